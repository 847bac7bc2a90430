// The simulated beacon node of the validator benchmark, in a process of its own (started by validators.ts)
// so that none of its CPU or memory is counted in a measured phase. The shape comes as JSON in argv[2];
// it answers over IPC: `{ type: 'listening', url }` once it serves, and the requests it served per route
// when asked (`{ type: 'requests', reset }`: the counts, then cleared when `reset`).
//
// Its clock is fixed at one slot, so every phase is served the same chain, the same epoch and the same
// lists. The epochs those lists need are computed before it says it listens: a measured phase waits for
// the node to write each answer, not for it to carry a million balances forward.

import { pathToFileURL } from 'node:url';
import { startBeaconSim } from '../src/beacon-sim/index.js';
import { fixedClock } from '../src/domain/clock.js';

export interface ValidatorBenchShape {
  seed: number;
  /** Validators on the chain, all active from genesis. */
  network: number;
  /** Validators the tracker watches: the first indices, and a few of them by public key. */
  watched: number;
  slotsPerEpoch: number;
  secondsPerSlot: number;
  genesisTime: number;
  /** The slot the clocks of the node and the tracker stand at. */
  headSlot: number;
  attestationMissRate: number;
}

export type SimMessage =
  | { type: 'listening'; url: string; warmSeconds: number }
  | { type: 'requests'; counts: Record<string, number> };
export type SimCommand = { type: 'requests'; reset: boolean };

/** The time both clocks show: just after the start of the head slot. */
export function clockMsOf(shape: ValidatorBenchShape): number {
  return (shape.genesisTime + shape.headSlot * shape.secondsPerSlot) * 1_000 + 500;
}

const isEntry = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isEntry && process.send) {
  const shape = JSON.parse(process.argv[2]!) as ValidatorBenchShape;
  const send = (message: SimMessage) => process.send!(message);
  const warmStarted = performance.now();
  const node = await startBeaconSim({
    seed: shape.seed,
    validatorCount: shape.network,
    slotsPerEpoch: shape.slotsPerEpoch,
    secondsPerSlot: shape.secondsPerSlot,
    genesisTime: shape.genesisTime,
    clock: fixedClock(clockMsOf(shape)),
    attestationMissRate: shape.attestationMissRate,
    syncMissRate: 0.01,
    proposalMissRate: 0.02,
  });
  const { chain } = node.sim;
  const head = chain.headEpoch();
  chain.stateAt(head);
  // Each epoch's participation summary weighs its rewards (attestation and sync committee): cached once made.
  for (let epoch = Math.max(0, head - 3); epoch <= head; epoch += 1)
    chain.syncParticipantReward(epoch, chain.syncCommittee(chain.syncPeriodOf(epoch)).length);
  send({ type: 'listening', url: node.url, warmSeconds: (performance.now() - warmStarted) / 1_000 });
  process.on('message', (command: SimCommand) => {
    send({ type: 'requests', counts: node.sim.requests() });
    if (command.reset) node.sim.resetRequests();
  });
  // The parent went away (finished, crashed or was interrupted): nothing is left to serve.
  process.on('disconnect', () => void node.close().finally(() => process.exit(0)));
}
