// What the kinds' API routes are made of: routes declared as data with zod schemas (the HTTP layer turns them
// into its own routes, typed by the same schemas), the lookups they make, and the JSON shapes every kind
// shares: times as ISO 8601, token amounts as decimal strings, changes of configuration.

import { z } from 'zod';
import { decodedCallRowSchema } from '../decode/decoded-schema.js';
import type { GovernanceDecoder } from '../decode/governance-decoder.js';
import type { GovernanceStore } from '../governance-store.js';
import type { GovernanceChange } from './change.js';

export const iso = (ms: number | null | undefined) =>
  ms === null || ms === undefined ? null : new Date(ms).toISOString();

export const amount = z.string().describe('A token amount in its smallest unit, as a decimal string.');

/** What the API adds to a decision's call: its calldata, one line of what it does, and the decoded tree. */
export const decodedCallFields = {
  data: z.string().describe('The calldata; with a Compound or Bravo `signature`, the arguments only.'),
  summary: z.string().describe('What the call does, in one line: `Treasury.transfer(to=0xAb12…cdEf, value=1,000)`.'),
  decoded: z
    .array(decodedCallRowSchema)
    .describe('The call decoded, and every call it carries (a timelock batch, a Safe transaction, a MultiSend).'),
};

/** The decoded fields of one call of a decision on the chain. */
export function decodedCall(
  decoder: GovernanceDecoder,
  chain: string,
  call: { target: string; value: string; data: string; signature: string },
) {
  const decoded = decoder.decode(chain, {
    to: call.target,
    value: call.value,
    data: call.data,
    ...(call.signature ? { signature: call.signature } : {}),
  });
  return { data: call.data, summary: decoder.summarize(chain, decoded), decoded: decoder.rows(chain, decoded) };
}

export const changeSchema = z.object({
  name: z.string().describe('The event: AddedOwner, ChangedThreshold, Upgraded, MinDelayChange, RoleGranted…'),
  summary: z.string(),
  block: z.number().int(),
  at: z.string(),
  tx: z.string(),
  logIndex: z.number().int(),
});

export function changeView(change: GovernanceChange): z.infer<typeof changeSchema> {
  return {
    name: change.name,
    summary: change.summary,
    block: change.blockNumber,
    at: iso(change.blockTimeMs)!,
    tx: change.txHash,
    logIndex: change.logIndex,
  };
}

export const targetId = z.string().min(1).describe('The target’s id from the config.');
export const targetParams = z.strictObject({ target: targetId });

/** No target, or no target of the route's kind, or nothing with that id on it: the API answers 404. */
export class GovernanceNotFoundError extends Error {
  override readonly name = 'GovernanceNotFoundError';
}

/** A kind's GET route, typed by its own schemas. */
export interface GovernanceRouteSpec<P extends z.ZodType, Q extends z.ZodType> {
  url: string;
  summary: string;
  params?: P;
  query?: Q;
  /** The answer. */
  ok: { description: string; schema: z.ZodType };
  /** A bad parameter is a documented answer (400). */
  badRequest?: boolean;
  /** The description of the 404 answer. */
  notFound: string;
  /** Throws GovernanceNotFoundError for a 404. */
  handler(request: { params: z.output<P>; query: z.output<Q> }): unknown;
}

/** A route behind one type: `use` hands it, typed by its schemas, to whoever serves it. */
export interface GovernanceRoute {
  use<R>(serve: <P extends z.ZodType, Q extends z.ZodType>(route: GovernanceRouteSpec<P, Q>) => R): R;
}

// biome-ignore lint/complexity/noBannedTypes: zod's type of an object schema with no keys
export function governanceRoute<P extends z.ZodType = z.ZodObject<{}>, Q extends z.ZodType = z.ZodObject<{}>>(
  route: GovernanceRouteSpec<P, Q>,
): GovernanceRoute {
  return { use: (serve) => serve(route) };
}

/** What a kind's routes read: its targets, in config order, their views now, and the store. */
export interface KindTargets<Target, View> {
  all(): Target[];
  /** The target of this kind with that id; GovernanceNotFoundError when there is none, or it is of another kind. */
  one(id: string): Target;
  view(target: Target): View;
  store: GovernanceStore;
  /** Decodes the targets' decisions. */
  decoder: GovernanceDecoder;
}
