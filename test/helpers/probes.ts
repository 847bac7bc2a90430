// Writes synthetic probe samples through the real writer, so that rollups are what the service makes.

import type { ChainObservation } from '../../src/domain/rpc.js';
import type { RpcSampleWriter } from '../../src/endpoints/rpc/rpc-samples.js';
import { sample } from './samples.js';

const minuteMs = 60_000;
const chain: ChainObservation = {
  chain: 'c',
  consensusHead: 1,
  headAgeSeconds: 1,
  configuredEndpoints: 1,
  healthyEndpoints: 1,
};

/**
 * 4 probes a minute of endpoint `e` on chain `c` over minutes [from, to) after `startMs`, failing where `fails` says.
 */
export function writeProbes(
  writer: RpcSampleWriter,
  startMs: number,
  from: number,
  to: number,
  fails: (minute: number) => boolean,
  endpoint = 'e',
): void {
  for (let index = from; index < to; index += 1) {
    for (let probe = 0; probe < 4; probe += 1) {
      const ok = !fails(index);
      writer.enqueue(
        sample({
          chain: 'c',
          endpoint,
          at: startMs + index * minuteMs + probe * 15_000,
          ok,
          errorClass: ok ? null : 'timeout',
          healthy: ok,
        }),
        chain,
      );
    }
  }
  writer.flush();
}
