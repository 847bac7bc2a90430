// The contract kind: any contract, watched for what its matchers select (OpenZeppelin Monitor's side of
// ERE). Events by signature and calls by function, each with conditions on the decoded arguments, go through
// the same ingestion as every kind (cursor, reorg rollback, adaptive ranges); only what a matcher selects is
// stored. Each match is a GovernanceContractMatch alert for `changeHold` after its block, with its
// arguments, and a count per matcher in /metrics; the API lists the matches, newest first.

import { z } from 'zod';
import type { EventValue, GovernanceEvent, GovernanceTarget } from '../../../domain/governance.js';
import { recent, targetLabels } from '../alerts.js';
import { governanceRoute, iso, targetParams } from '../api.js';
import { shortAddress } from '../change.js';
import { defineGovernanceKind } from '../define-kind.js';
import type { GovernanceModel } from '../kind.js';
import { scanCalls } from './calls.js';
import { type ContractSettings, contractConfig } from './config.js';
import { matchersMet } from './matchers.js';

export type ContractTarget = GovernanceTarget<'contract', ContractSettings>;

export interface ContractMatch {
  matcher: string;
  /** The event's name, or the called function's signature. */
  name: string;
  kind: 'event' | 'function';
  blockNumber: number;
  blockTimeMs: number;
  txHash: string;
  logIndex: number;
  args: Record<string, EventValue>;
}

export interface ContractState {
  /** The newest matches, oldest first, at most `keptMatches`. */
  matches: ContractMatch[];
  counts: Record<string, number>;
}

export interface ContractView {
  /** Newest first. */
  matches: ContractMatch[];
  /** Matches since the start block, per matcher (zero included). */
  counts: Record<string, number>;
}

/** The matches a target keeps in memory; every one stays in the store. */
const keptMatches = 1_000;

const shown = (value: EventValue): string =>
  typeof value === 'string' && /^0x[0-9a-fA-F]{40}$/.test(value)
    ? shortAddress(value)
    : typeof value === 'object' && value !== null
      ? JSON.stringify(value)
      : String(value);

/** One line: `Transfer(from=0x12…ab, to=0x34…cd, value=2000000000000000000000000)`. */
export function matchSummary(match: Pick<ContractMatch, 'name' | 'args'>): string {
  const name = match.name.includes('(') ? match.name.slice(0, match.name.indexOf('(')) : match.name;
  const args = Object.entries(match.args).map(([key, value]) => `${key}=${shown(value)}`);
  return `${name}(${args.join(', ')})`.slice(0, 200);
}

/** The matches of one stored event or call: one per matcher it meets. */
export function matchesOf(target: ContractTarget, event: GovernanceEvent): ContractMatch[] {
  return matchersMet(target.settings.matchers, event).map((matcher) => ({
    matcher: matcher.name,
    name: event.name,
    kind: matcher.kind,
    blockNumber: event.blockNumber,
    blockTimeMs: event.blockTimeMs,
    txHash: event.txHash,
    logIndex: event.logIndex,
    args: event.args,
  }));
}

export const contractModel: GovernanceModel<ContractTarget, ContractState, ContractView> = {
  initial: (): ContractState => ({ matches: [], counts: {} }),
  apply(state, event: GovernanceEvent, target) {
    for (const match of matchesOf(target, event)) {
      state.counts[match.matcher] = (state.counts[match.matcher] ?? 0) + 1;
      state.matches.push(match);
    }
    if (state.matches.length > keptMatches) state.matches.splice(0, state.matches.length - keptMatches);
  },
  view: (target, state) => ({
    matches: [...state.matches].reverse(),
    counts: {
      ...Object.fromEntries(target.settings.matchers.map((matcher) => [matcher.name, 0])),
      ...state.counts,
    },
  }),
};

const matchSchema = z.object({
  matcher: z.string(),
  kind: z.enum(['event', 'function']),
  name: z.string().describe('The event’s name, or the called function’s signature.'),
  summary: z.string(),
  block: z.number().int(),
  at: z.string(),
  tx: z.string(),
  logIndex: z.number().int().describe('The log’s index; for a call, an index past any log’s, unique in its block.'),
  args: z.record(z.string(), z.unknown()).describe('The decoded arguments: integers as decimal strings.'),
});

const matchesSchema = z.object({
  target: z.string(),
  chain: z.string(),
  address: z.string(),
  counts: z.record(z.string(), z.number().int()).describe('Matches since the start block, per matcher.'),
  matches: z.array(matchSchema).describe('The newest matches (at most 1,000 kept in memory), newest first.'),
});

const matchesQuery = z.strictObject({
  matcher: z.string().optional().describe('Only this matcher’s matches.'),
  limit: z.coerce.number().int().min(1).max(1_000).default(100),
});

const matchJson = (match: ContractMatch): z.infer<typeof matchSchema> => ({
  matcher: match.matcher,
  kind: match.kind,
  name: match.name,
  summary: matchSummary(match),
  block: match.blockNumber,
  at: iso(match.blockTimeMs)!,
  tx: match.txHash,
  logIndex: match.logIndex,
  args: match.args,
});

export const contractKind = defineGovernanceKind<ContractTarget, ContractState, ContractView>({
  name: 'contract',
  config: contractConfig,
  events: (target) => target.settings.matchers.flatMap((matcher) => matcher.events),
  addresses: async (target) => [target.address],
  keyOf: () => null,
  keep: (target, name, args) => matchersMet(target.settings.matchers, { name, args }).length > 0,
  calls: (target, reads, from, to) => scanCalls(target, reads, from, to),
  snapshot: async () => ({}),
  ...contractModel,
  gauges: [
    {
      gauge: {
        name: 'ere_governance_contract_matches',
        help: 'Events and calls a contract watch’s matcher selected since the target’s start block.',
        label: 'matcher',
      },
      counts: (view) => view.counts,
    },
  ],
  alerts: [
    {
      name: 'GovernanceContractMatch',
      severity: 'warning',
      summary: '{{ $labels.target }} on {{ $labels.chain }}: {{ $labels.matcher }} matched {{ $labels.match }}',
      description: 'A watched contract emitted an event, or was called, as one of its matchers selects.',
      signals: (target, view, nowMs, context) =>
        view.matches
          .filter((match) => recent(match.blockTimeMs, nowMs, context))
          .map((match) => ({
            labels: {
              ...targetLabels(target),
              matcher: match.matcher,
              event: match.name,
              match: matchSummary(match).slice(0, 120),
              tx: match.txHash,
              block: String(match.blockNumber),
              log_index: String(match.logIndex),
            },
            value: match.blockTimeMs / 1_000,
            condition: () => true,
            details: Object.entries(match.args).map(
              ([key, value]) => `${key}: ${typeof value === 'object' ? JSON.stringify(value) : String(value)}`,
            ),
          })),
    },
  ],
  routes: (targets) => [
    governanceRoute({
      url: '/api/v1/governance/contracts/:target/matches',
      summary: 'A contract watch’s matches: the events and calls its matchers selected, newest first.',
      params: targetParams,
      query: matchesQuery,
      ok: { description: 'The matches.', schema: matchesSchema },
      notFound: 'No contract target with that id.',
      handler: ({ params, query }) => {
        const target = targets.one(params.target);
        const view = targets.view(target);
        return {
          target: target.id,
          chain: target.chain,
          address: target.address,
          counts: view.counts,
          matches: view.matches
            .filter((match) => query.matcher === undefined || match.matcher === query.matcher)
            .slice(0, query.limit)
            .map(matchJson),
        };
      },
    }),
  ],
});
