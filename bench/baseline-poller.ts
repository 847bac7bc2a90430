// The bare baseline: the same HTTP requests ERE's RPC probe sends (the same JSON-RPC batch body, byte
// for byte apart from the ids, the same header, the same global fetch), on the service's own Scheduler
// at the same rate, but the answer is read and thrown away: no JSON parsing, no samples, no metrics, no
// store. Whatever ERE costs beyond this is the price of its processing.

import { Scheduler } from '../src/scheduler/scheduler.js';
import type { PollRecorder } from './measure.js';

export interface PollTargets {
  /** `http://127.0.0.1:<port>`; endpoint i is `<serverUrl>/ep/<i>`. */
  serverUrl: string;
  endpoints: number;
  intervalMs: number;
}

const everyPollMethods = [
  '"method":"eth_chainId","params":[]',
  '"method":"eth_blockNumber","params":[]',
  '"method":"eth_getBlockByNumber","params":["latest",false]',
  '"method":"eth_syncing","params":[]',
  '"method":"net_peerCount","params":[]',
];
const clientVersionMethod = '"method":"web3_clientVersion","params":[]';

/** viem numbers JSON-RPC ids from one counter for the whole process; so does the baseline. */
let nextId = 0;

/** The probe's batch as viem serialises it; the client version is only asked on an endpoint's first poll. */
function batchBody(withClientVersion: boolean): string {
  const methods = withClientVersion ? [...everyPollMethods, clientVersionMethod] : everyPollMethods;
  return `[${methods.map((method) => `{"jsonrpc":"2.0","id":${nextId++},${method}}`).join(',')}]`;
}

export function startBaselinePoller(targets: PollTargets, recorder: PollRecorder): { stop(): Promise<void> } {
  const scheduler = new Scheduler({
    onLag: (task, lagMs) => recorder.lag(task.id, lagMs),
    onSkip: (task) => recorder.skip(task.id),
  });
  for (let index = 0; index < targets.endpoints; index++) {
    const url = `${targets.serverUrl}/ep/${index}`;
    let firstPoll = true;
    scheduler.add({
      id: `ep-${index}`,
      kind: 'rpc',
      intervalMs: targets.intervalMs,
      run: async () => {
        const body = batchBody(firstPoll);
        firstPoll = false;
        try {
          const response = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
          await response.text();
          recorder.pollDone(response.ok);
        } catch {
          recorder.pollDone(false);
        }
      },
    });
  }
  scheduler.start();
  return { stop: () => scheduler.stop() };
}
