// The canary of a chain as the API shows it: its address (never its key), balance, what is in flight, how
// each endpoint's last canary ended, and the latest attempts. Amounts in wei are decimal strings.

import { z } from 'zod';
import { canaryOutcomes, rejectionReasons } from './canary-state.js';
import { attemptStatuses, type CanaryAttempt } from './canary-store.js';
import type { CanaryReader } from './index.js';

const attemptSchema = z.object({
  hash: z.string(),
  nonce: z.number().int(),
  attempt: z.number().int().describe('1 for the first send of a nonce; more for its replacements.'),
  endpoints: z.array(z.string()).describe('The endpoints it went through (that accepted it, once answered).'),
  sentAt: z.string(),
  status: z.enum(attemptStatuses),
  reason: z.enum(rejectionReasons).nullable().describe('Why it was refused, for a rejected attempt.'),
  maxFeePerGasWei: z.string(),
  maxPriorityFeePerGasWei: z.string(),
  blockNumber: z.number().int().nullable(),
  inclusionSeconds: z.number().nullable().describe('From sending to the first receipt seen, by the wall clock.'),
  inclusionBlockSeconds: z.number().nullable().describe('From sending to the timestamp of the block it is in.'),
  propagationSeconds: z
    .record(z.string(), z.number().nullable())
    .nullable()
    .describe('Per endpoint: from the first receipt seen until the endpoint returned it; null if it never did.'),
});

export const chainCanarySchema = z.object({
  chain: z.string(),
  address: z.string().describe('The canary key’s address.'),
  balanceWei: z.string().nullable(),
  balanceLow: z.boolean().nullable().describe('Whether the balance is below `minBalance`; null before it is read.'),
  inFlight: attemptSchema.nullable().describe('The open attempt: in flight, or stuck at the fee cap.'),
  endpoints: z.array(
    z.object({
      endpoint: z.string(),
      lastOutcome: z.enum(canaryOutcomes).nullable(),
      lastReason: z.enum(rejectionReasons).nullable(),
      lastInclusionSeconds: z.number().nullable(),
      lastPropagationSeconds: z.number().nullable(),
    }),
  ),
  recent: z.array(attemptSchema).describe('The latest attempts, newest first.'),
});

export type ChainCanary = z.infer<typeof chainCanarySchema>;

const RECENT = 20;

function attemptView(attempt: CanaryAttempt): z.infer<typeof attemptSchema> {
  return {
    hash: attempt.hash,
    nonce: attempt.nonce,
    attempt: attempt.attempt,
    endpoints: attempt.endpoints,
    sentAt: new Date(attempt.sentAtMs).toISOString(),
    status: attempt.status,
    reason: attempt.reason,
    maxFeePerGasWei: attempt.fees.maxFeePerGas.toString(),
    maxPriorityFeePerGasWei: attempt.fees.maxPriorityFeePerGas.toString(),
    blockNumber: attempt.blockNumber,
    inclusionSeconds: attempt.inclusionSeconds,
    inclusionBlockSeconds: attempt.inclusionBlockSeconds,
    propagationSeconds: attempt.propagation,
  };
}

/** The chain's canary; undefined when the chain has none. */
export function chainCanary(
  chain: string,
  endpoints: readonly string[],
  reader: CanaryReader,
): ChainCanary | undefined {
  const engine = reader.engine(chain);
  if (!engine) return undefined;
  const open = engine.inFlight[engine.inFlight.length - 1];
  return {
    chain,
    address: engine.address,
    balanceWei: engine.balanceWei?.toString() ?? null,
    balanceLow: engine.balanceLow(),
    inFlight: open ? attemptView(open) : null,
    endpoints: endpoints.map((endpoint) => {
      const last = engine.byEndpoint.get(endpoint);
      return {
        endpoint,
        lastOutcome: last?.outcome ?? null,
        lastReason: last?.reason ?? null,
        lastInclusionSeconds: engine.inclusion.get(endpoint)?.wall ?? null,
        lastPropagationSeconds: engine.propagation.get(endpoint) ?? null,
      };
    }),
    recent: reader.store.recent(chain, engine.address, RECENT).map(attemptView),
  };
}
