// The API's view of what every governance target has, whatever its kind: the target with how far ingestion
// has got, and the feed of ingested events, with the schemas the OpenAPI document is built from. What a
// kind shows of itself is in its own file under kinds/.

import { getAddress } from 'viem';
import { z } from 'zod';
import type { GovernanceTarget } from '../domain/governance.js';
import { governanceKinds } from './kinds/index.js';
import type { TargetStatus } from './governance-tracker.js';
import type { StoredGovernanceEvent } from './governance-store.js';
import { iso } from './kinds/api.js';

export const targetSchema = z.object({
  id: z.string(),
  kind: z.enum(governanceKinds.map((kind) => kind.name) as [string, ...string[]]),
  chain: z.string(),
  address: z.string(),
  startBlock: z.number().int(),
  confirmations: z.number().int(),
  labels: z.record(z.string(), z.string()),
  events: z.number().int().describe('Events stored for the target.'),
  status: z.object({
    cursorBlock: z
      .number()
      .int()
      .nullable()
      .describe('Every block up to this one is ingested; null before the first batch.'),
    safeHead: z.number().int().nullable().describe('head − confirmations at the last step.'),
    lagBlocks: z.number().int().nullable().describe('safeHead − cursorBlock, when both are known.'),
    caughtUp: z.boolean(),
    lastRunAt: z.string().nullable(),
    lastSuccessAt: z.string().nullable(),
    lastError: z.object({ errorClass: z.string(), message: z.string(), at: z.string() }).nullable(),
    endpoint: z.string().nullable().describe('The endpoint id that served the last step.'),
    rangeSize: z.number().int().describe('Blocks asked for per eth_getLogs now (adapts below maxBlockRange).'),
  }),
});

export function targetView(
  target: GovernanceTarget,
  status: TargetStatus | undefined,
  events: number,
): z.infer<typeof targetSchema> {
  const cursorBlock = status?.cursorBlock ?? null;
  const safeHead = status?.safeHead ?? null;
  return {
    id: target.id,
    kind: target.kind,
    chain: target.chain,
    address: target.address,
    startBlock: target.startBlock,
    confirmations: target.confirmations,
    labels: target.labels,
    events,
    status: {
      cursorBlock,
      safeHead,
      lagBlocks: cursorBlock === null || safeHead === null ? null : Math.max(0, safeHead - cursorBlock),
      caughtUp: status?.caughtUp ?? false,
      lastRunAt: iso(status?.lastRunMs),
      lastSuccessAt: iso(status?.lastSuccessMs),
      lastError: status?.lastError
        ? {
            errorClass: status.lastError.errorClass,
            message: status.lastError.message,
            at: iso(status.lastError.atMs)!,
          }
        : null,
      endpoint: status?.endpoint ?? null,
      rangeSize: status?.rangeSize ?? target.maxBlockRange,
    },
  };
}

export const feedEventSchema = z.object({
  id: z.number().int().describe('Position in the feed: pass the last one seen as `after`.'),
  target: z.string(),
  chain: z.string(),
  name: z.string(),
  key: z.string().nullable().describe('What it is about: a proposal id, an operation id, an owner.'),
  block: z.number().int(),
  at: z.string(),
  tx: z.string(),
  logIndex: z.number().int(),
  address: z.string().describe('The contract that emitted it, checksummed.'),
  args: z
    .record(z.string(), z.unknown())
    .describe('Decoded arguments: integers as decimal strings, addresses checksummed, bytes as hex.'),
});

export function feedEventView(event: StoredGovernanceEvent): z.infer<typeof feedEventSchema> {
  return {
    id: event.id,
    target: event.target,
    chain: event.chain,
    name: event.name,
    key: event.key,
    block: event.blockNumber,
    at: iso(event.blockTimeMs)!,
    tx: event.txHash,
    logIndex: event.logIndex,
    // Raw logs carry it in lower case; the decoded arguments are checksummed, and so is this.
    address: getAddress(event.address),
    args: event.args,
  };
}
