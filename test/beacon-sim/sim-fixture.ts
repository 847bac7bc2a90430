// A small simulated chain on a fixed clock for the simulator's tests, and a fetch that returns status and
// parsed body together.

import { startBeaconSim, type RunningBeaconSim, type StartBeaconSimOptions } from '../../src/beacon-sim/index.js';
import { fixedClock } from '../../src/domain/clock.js';

export const START_MS = 1_700_000_000_000;
export const SLOTS_PER_EPOCH = 8;
export const SECONDS_PER_SLOT = 12;
const EPOCH_MS = SLOTS_PER_EPOCH * SECONDS_PER_SLOT * 1000;

export interface TestSim extends RunningBeaconSim {
  clock: ReturnType<typeof fixedClock>;
  advanceEpochs(epochs: number): void;
  advanceSlots(slots: number): void;
}

/** 64 active and 8 pending validators, 8-slot epochs, the head at the start of epoch 10. */
export async function startTestSim(options: StartBeaconSimOptions = {}): Promise<TestSim> {
  const clock = fixedClock(START_MS);
  const running = await startBeaconSim({
    seed: 42,
    validatorCount: 64,
    pendingCount: 8,
    slotsPerEpoch: SLOTS_PER_EPOCH,
    secondsPerSlot: SECONDS_PER_SLOT,
    genesisTime: START_MS / 1000 - 10 * SLOTS_PER_EPOCH * SECONDS_PER_SLOT,
    epochsPerSyncCommitteePeriod: 8,
    syncCommitteeSize: 16,
    withdrawabilityDelayEpochs: 4,
    slashingsVectorEpochs: 8,
    restartDownMs: 20,
    clock,
    ...options,
  });
  return {
    ...running,
    clock,
    advanceEpochs: (epochs) => clock.advance(epochs * EPOCH_MS),
    advanceSlots: (slots) => clock.advance(slots * SECONDS_PER_SLOT * 1000),
  };
}

export interface Answer {
  method: string;
  path: string;
  status: number;
  body: unknown;
  text: string;
  headers: Headers;
}

export async function call(url: string, method: 'GET' | 'POST', path: string, body?: unknown): Promise<Answer> {
  const res = await fetch(url + path, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  const parsed = text === '' ? undefined : (JSON.parse(text) as unknown);
  return { method, path, status: res.status, body: parsed, text, headers: res.headers };
}

/** `data` of a 200 answer, typed loosely for assertions. */
// biome-ignore lint/suspicious/noExplicitAny: callers name the shape they read, or read the JSON as it is
export function data<T = any>(answer: Answer): T {
  return (answer.body as { data: T }).data;
}
