// What a contract watch's matchers would have matched over a range of history, read as ingestion reads it
// (logs of its events, calls found in the blocks) and stored nowhere: for trying a matcher before relying on it.

import type { Clock } from '../../../domain/clock.js';
import type { ChainReader } from '../../ingest/chain-reader.js';
import { type SkippedLog, TargetIngestion } from '../../ingest/ingest-step.js';
import { type ContractMatch, type ContractTarget, type ContractView, contractKind, matchesOf } from './index.js';

export async function testMatch(
  target: ContractTarget,
  reader: ChainReader,
  range: { from: number; to: number },
  clock: Clock,
): Promise<{ matches: ContractMatch[]; counts: Record<string, number>; skipped: SkippedLog[] }> {
  const tracked = contractKind.open().track(target);
  if (!tracked) throw new Error(`"${target.id}" is not a contract watch`);
  const ingestion = new TargetIngestion(target, tracked.collector, reader, clock);
  const { events, skipped } = await ingestion.scan(range.from, range.to);
  for (const event of events) tracked.apply(event);
  const view = tracked.reading(clock.now()).view as ContractView;
  // Every match, not only the newest the view keeps.
  const matches = events.flatMap((event) => matchesOf(target, event));
  return { matches, counts: view.counts, skipped };
}
