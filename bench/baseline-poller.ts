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
  /** Block agreement on: every second poll of an endpoint carries a round's three calls. */
  agreement: boolean;
}

const everyPollMethods = [
  '"method":"eth_chainId","params":[]',
  '"method":"eth_blockNumber","params":[]',
  '"method":"eth_getBlockByNumber","params":["latest",false]',
  '"method":"eth_syncing","params":[]',
  '"method":"net_peerCount","params":[]',
];
const clientVersionMethod = '"method":"web3_clientVersion","params":[]';
/**
 * A block agreement round's calls, as ERE's probe adds them once per round (a round every two polls): the
 * block at the round's height (ERE's is 5 below the head; any recent number costs the node the same) and
 * the `finalized` and `safe` blocks.
 */
const roundMethods = [
  '"method":"eth_getBlockByNumber","params":["0x100",false]',
  '"method":"eth_getBlockByNumber","params":["finalized",false]',
  '"method":"eth_getBlockByNumber","params":["safe",false]',
];

/** viem numbers JSON-RPC ids from one counter for the whole process; so does the baseline. */
let nextId = 0;

/** The probe's batch as viem serialises it; the client version is only asked on an endpoint's first poll. */
function batchBody(withClientVersion: boolean, withRound: boolean): string {
  const methods = [
    ...everyPollMethods,
    ...(withClientVersion ? [clientVersionMethod] : []),
    ...(withRound ? roundMethods : []),
  ];
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
    let polls = 0;
    scheduler.add({
      id: `ep-${index}`,
      kind: 'rpc',
      intervalMs: targets.intervalMs,
      run: async () => {
        const body = batchBody(firstPoll, targets.agreement && polls++ % 2 === 1);
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
