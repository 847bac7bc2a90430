// Governance: the watched targets with how far ingestion has got, a governor's proposals (the list, and one
// with its votes and the states it went through), a timelock's operations, a Safe's configuration and
// history, a proxy's implementation and upgrades, and the feed of every ingested event.

import { z } from 'zod';
import type { Clock } from '../../domain/clock.js';
import { proposalStates, type GovernanceKindName, type GovernanceTarget } from '../../domain/governance.js';
import type { GovernorView, ProposalView } from '../../governance/models/governor.js';
import type { ProxyView } from '../../governance/models/proxy.js';
import type { SafeView } from '../../governance/models/safe.js';
import { operationStatuses, type TimelockView } from '../../governance/models/timelock.js';
import type { GovernanceTracker } from '../../governance/governance-tracker.js';
import {
  changeSchema,
  changeView,
  feedEventSchema,
  feedEventView,
  iso,
  operationSchema,
  operationView,
  proposalDetailSchema,
  proposalSummary,
  proposalSummarySchema,
  proxySchema,
  proxyView,
  safeSchema,
  safeView,
  targetSchema,
  targetView,
  voteView,
} from '../../governance/governance-view.js';
import { instant, wholeNumber } from '../query.js';
import { defineRoute, errorBodySchema, notFound, type RouteDefinition } from '../route.js';

export const maxFeedLimit = 1_000;
const defaultFeedMs = 86_400_000;

const targetId = z.string().min(1).describe('The target’s id from the config.');
const targetParams = z.strictObject({ target: targetId });
const proposalParams = z.strictObject({ target: targetId, id: z.string().regex(/^\d+$/, 'must be a proposal id (a decimal number)').describe('The proposal id, a decimal number.') });

const proposalsQuery = z.strictObject({
  chain: z.string().min(1).optional().describe('Only the proposals of governors on this chain.'),
  target: targetId.optional().describe('Only the proposals of this governor.'),
  state: z.enum(proposalStates).optional(),
});

const operationsQuery = z.strictObject({ status: z.enum(operationStatuses).optional() });

const feedQuery = z.strictObject({
  since: instant.describe('Only events in blocks at or after this time. Default: 24 hours before now.'),
  target: z.string().min(1).optional().describe('Only the events of these targets, ids separated by commas.'),
  limit: wholeNumber(1, maxFeedLimit).describe(`Most events to return, 1 to ${maxFeedLimit}. Default 100.`),
  after: wholeNumber(0, Number.MAX_SAFE_INTEGER).describe('The `next` of the previous page: only events after it.'),
});

const badRequest = { description: 'A bad parameter, named in `field`.', schema: errorBodySchema };
const unknownTarget = (kind: string) => ({ description: `No ${kind} target with that id.`, schema: errorBodySchema });

export function governanceRoutes(deps: { tracker: GovernanceTracker; clock: Clock }): RouteDefinition[] {
  const { tracker } = deps;

  function targetOf(id: string, kind?: GovernanceKindName): GovernanceTarget {
    const target = tracker.target(id);
    if (!target) throw notFound(`no governance target "${id}"`);
    if (kind !== undefined && target.kind !== kind) throw notFound(`governance target "${id}" is a ${target.kind}, not a ${kind}`);
    return target;
  }
  const viewOf = <View>(target: GovernanceTarget) => tracker.view(target.id) as View;
  const governors = () => tracker.targets().filter((target) => target.kind === 'governor');
  /** Newest first: by creation time, later in chain order first among proposals created in the same block. */
  const newestFirst = (proposals: ProposalView[]) => [...proposals].reverse().sort((a, b) => b.createdAtMs - a.createdAtMs);

  return [
    defineRoute({
      method: 'GET',
      url: '/api/v1/governance/targets',
      summary: 'Every governance target (governor, timelock, Safe, proxy) with how far its ingestion has got.',
      tag: 'governance',
      responses: { 200: { description: 'Targets, in config order.', schema: z.object({ targets: z.array(targetSchema) }) } },
      handler: () => ({ targets: tracker.targets().map((target) => targetView(target, tracker.status(target.id), tracker.store.eventCount(target.id))) }),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/governance/proposals',
      summary: 'Proposals of the governors, newest first, with tallies, turnout, quorum risk and overdue execution.',
      tag: 'governance',
      query: proposalsQuery,
      responses: {
        200: { description: 'Proposals.', schema: z.object({ proposals: z.array(proposalSummarySchema) }) },
        400: badRequest,
        404: unknownTarget('governor'),
      },
      handler: ({ query }) => {
        const targets = query.target === undefined ? governors() : [targetOf(query.target, 'governor')];
        const proposals = targets
          .filter((target) => query.chain === undefined || target.chain === query.chain)
          .flatMap((target) => newestFirst(viewOf<GovernorView>(target).proposals).map((proposal) => ({ target, proposal })))
          .filter(({ proposal }) => query.state === undefined || proposal.state === query.state)
          .sort((a, b) => b.proposal.createdAtMs - a.proposal.createdAtMs);
        return { proposals: proposals.map(({ target, proposal }) => proposalSummary(target, proposal)) };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/governance/proposals/:target/:id',
      summary: 'One proposal: tallies, every vote cast, its actions and the states it went through.',
      tag: 'governance',
      params: proposalParams,
      responses: {
        200: { description: 'The proposal.', schema: proposalDetailSchema },
        400: badRequest,
        404: { description: 'No governor with that id, or no proposal with that id on it.', schema: errorBodySchema },
      },
      handler: ({ params }) => {
        const target = targetOf(params.target, 'governor');
        const proposal = viewOf<GovernorView>(target).proposals.find((candidate) => candidate.id === params.id);
        if (!proposal) throw notFound(`no proposal ${params.id} on governor "${target.id}"`);
        const createdEvent = tracker.store.eventsAbout(target.id, proposal.id, ['ProposalCreated'])[0];
        return {
          ...proposalSummary(target, proposal),
          description: typeof createdEvent?.args.description === 'string' ? createdEvent.args.description : null,
          actions: proposal.actions,
          created: createdEvent ? { block: createdEvent.blockNumber, tx: createdEvent.txHash } : null,
          voteStart: proposal.voteStart,
          voteEnd: proposal.voteEnd,
          voteStartAt: iso(proposal.voteStartMs),
          voters: proposal.voters,
          quorumReached: proposal.quorumReached,
          executableAt: iso(proposal.executableAtMs),
          queuedAt: iso(proposal.queuedAtMs),
          executedAt: iso(proposal.executedAtMs),
          canceledAt: iso(proposal.canceledAtMs),
          votesCast: tracker.store.eventsAbout(target.id, proposal.id, ['VoteCast', 'VoteCastWithParams']).map(voteView),
          timeline: tracker.store.proposalStates(target.id, proposal.id).map((row) => ({ state: row.state as ProposalView['state'], at: iso(row.atMs)!, block: row.blockNumber })),
        };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/governance/timelocks/:target/operations',
      summary: 'A timelock’s operations, newest first, with their status, when each is ready and its calls.',
      tag: 'governance',
      params: targetParams,
      query: operationsQuery,
      responses: {
        200: {
          description: 'The operations, and the timelock’s delay, roles and changes.',
          schema: z.object({
            target: z.string(),
            chain: z.string(),
            minDelaySeconds: z.number().nullable(),
            byStatus: z.record(z.enum(operationStatuses), z.number().int()),
            roles: z.record(z.string(), z.array(z.string())).describe('Role name (or hash) → accounts holding it, as far as the events since the start block tell.'),
            operations: z.array(operationSchema),
            changes: z.array(changeSchema).describe('Delay, role and admin changes, newest first.'),
          }),
        },
        400: badRequest,
        404: unknownTarget('timelock'),
      },
      handler: ({ params, query }) => {
        const target = targetOf(params.target, 'timelock');
        const view = viewOf<TimelockView>(target);
        const operations = view.operations.filter((operation) => query.status === undefined || operation.status === query.status).reverse().sort((a, b) => b.scheduledAtMs - a.scheduledAtMs);
        return {
          target: target.id,
          chain: target.chain,
          minDelaySeconds: view.minDelaySeconds,
          byStatus: view.byStatus,
          roles: view.roles,
          operations: operations.map(operationView),
          changes: view.changes.map(changeView),
        };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/governance/safes/:target',
      summary: 'A Safe: owners, threshold against the policy, nonce, modules, guards, executions and the history of its configuration.',
      tag: 'governance',
      params: targetParams,
      responses: { 200: { description: 'The Safe.', schema: safeSchema }, 404: unknownTarget('Safe') },
      handler: ({ params }) => {
        const target = targetOf(params.target, 'safe');
        return safeView(target, viewOf<SafeView>(target));
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/governance/proxies/:target',
      summary: 'An EIP-1967 proxy: its implementation, admin and beacon, and its upgrades.',
      tag: 'governance',
      params: targetParams,
      responses: { 200: { description: 'The proxy.', schema: proxySchema }, 404: unknownTarget('proxy') },
      handler: ({ params }) => {
        const target = targetOf(params.target, 'proxy');
        return proxyView(target, viewOf<ProxyView>(target));
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/governance/events',
      summary: 'The feed of ingested governance events, in the order they were stored, with a cursor to follow it.',
      tag: 'governance',
      query: feedQuery,
      responses: {
        200: {
          description: 'Events after `after`, at most `limit`; `next` is the cursor for the following page.',
          schema: z.object({
            since: z.string(),
            events: z.array(feedEventSchema),
            next: z.number().int().nullable().describe('Pass as `after` for what comes next: the last event’s id, or `after` itself when none came.'),
          }),
        },
        400: badRequest,
        404: unknownTarget('governance'),
      },
      handler: ({ query }) => {
        const targets = query.target?.split(',').map((id) => targetOf(id.trim()).id);
        const sinceMs = query.since ?? deps.clock.now() - defaultFeedMs;
        const events = tracker.store.feed({ sinceMs, limit: query.limit ?? 100, ...(targets ? { targets } : {}), ...(query.after !== undefined ? { afterId: query.after } : {}) });
        return { since: iso(sinceMs)!, events: events.map(feedEventView), next: events.at(-1)?.id ?? query.after ?? null };
      },
    }),
  ];
}
