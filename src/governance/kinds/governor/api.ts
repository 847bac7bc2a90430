// A governor's API: its proposals, the list over every governor (newest first, with tallies, turnout, quorum
// risk and overdue execution), and one with its votes, actions and the states it went through.

import { z } from 'zod';
import { proposalStates, type GovernanceTarget } from '../../../domain/governance.js';
import type { StoredGovernanceEvent } from '../../governance-store.js';
import {
  amount,
  decodedCall,
  decodedCallFields,
  GovernanceNotFoundError,
  governanceRoute,
  iso,
  targetId,
  type GovernanceRoute,
  type KindTargets,
} from '../api.js';
import type { GovernorTarget, GovernorView, ProposalView } from './model.js';

const votesSchema = z.object({ for: amount, against: amount, abstain: amount });

export const proposalSummarySchema = z.object({
  id: z.string().describe('The proposal id, a decimal number.'),
  target: z.string(),
  chain: z.string(),
  title: z.string(),
  proposer: z.string(),
  state: z.enum(proposalStates),
  votes: votesSchema,
  quorum: amount.nullable().describe('null until voting has started.'),
  quorumReachedRatio: z
    .number()
    .nullable()
    .describe('Votes counted towards quorum over the quorum: 2.5 is 250 % of quorum. null until the quorum is known.'),
  turnoutRatio: z
    .number()
    .nullable()
    .describe(
      'Deprecated: the former name of quorumReachedRatio (the same value), ' +
        'removed in the next release. Turnout is turnoutOfSupplyRatio.',
    ),
  votesTotal: amount.describe('Votes cast: for, against and abstain.'),
  votingSupply: amount
    .nullable()
    .describe(
      "The votes token's total supply at the proposal's snapshot " +
        '(getPastTotalSupply); null until voting has started, and for Bravo governors.',
    ),
  turnoutOfSupplyRatio: z
    .number()
    .nullable()
    .describe('Turnout: votes cast over the voting supply; null while the supply is unknown.'),
  quorumAtRisk: z.boolean().describe('Active, below quorum and within the risk window of its deadline.'),
  overdue: z.boolean().describe('Executable for longer than the execution grace without being executed.'),
  createdAt: z.string(),
  deadline: z.string().nullable().describe('End of voting (estimated while in the future).'),
  eta: z.string().nullable().describe('When a queued proposal becomes executable.'),
});

export function proposalSummary(
  target: GovernanceTarget,
  proposal: ProposalView,
): z.infer<typeof proposalSummarySchema> {
  return {
    id: proposal.id,
    target: target.id,
    chain: target.chain,
    title: proposal.title,
    proposer: proposal.proposer,
    state: proposal.state,
    votes: proposal.votes,
    quorum: proposal.quorum,
    quorumReachedRatio: proposal.quorumReachedRatio,
    turnoutRatio: proposal.quorumReachedRatio,
    votesTotal: proposal.votesTotal,
    votingSupply: proposal.votingSupply,
    turnoutOfSupplyRatio: proposal.turnoutOfSupplyRatio,
    quorumAtRisk: proposal.quorumAtRisk,
    overdue: proposal.overdue,
    createdAt: iso(proposal.createdAtMs)!,
    deadline: iso(proposal.voteEndMs),
    eta: iso(proposal.etaMs),
  };
}

const supportNames: Record<string, string> = { 0: 'against', 1: 'for', 2: 'abstain' };

export const voteSchema = z.object({
  voter: z.string(),
  support: z.string().describe('for, against or abstain (the number itself for other counting modules).'),
  weight: amount,
  reason: z.string(),
  block: z.number().int(),
  at: z.string(),
  tx: z.string(),
});

export function voteView(event: StoredGovernanceEvent): z.infer<typeof voteSchema> {
  const support = String(event.args.support);
  return {
    voter: String(event.args.voter),
    support: supportNames[support] ?? support,
    weight: String(event.args.weight),
    reason: typeof event.args.reason === 'string' ? event.args.reason : '',
    block: event.blockNumber,
    at: iso(event.blockTimeMs)!,
    tx: event.txHash,
  };
}

export const proposalDetailSchema = proposalSummarySchema.extend({
  description: z.string().nullable(),
  actions: z.array(
    z.object({
      target: z.string(),
      value: amount,
      call: z.string().describe('The signature, or the calldata’s 4-byte selector.'),
      ...decodedCallFields,
    }),
  ),
  created: z.object({ block: z.number().int(), tx: z.string() }).nullable(),
  voteStart: z.number().int().describe('The timepoint voting starts: a block, or seconds in timestamp clock mode.'),
  voteEnd: z.number().int(),
  voteStartAt: z.string().nullable(),
  voters: z.number().int(),
  quorumReached: z.boolean().nullable(),
  executableAt: z.string().nullable(),
  queuedAt: z.string().nullable(),
  executedAt: z.string().nullable(),
  canceledAt: z.string().nullable(),
  votesCast: z.array(voteSchema).describe('Every VoteCast and VoteCastWithParams, in chain order.'),
  timeline: z.array(
    z.object({
      state: z.enum(proposalStates),
      at: z.string(),
      block: z.number().int().describe('The block at which it was seen.'),
    }),
  ),
});

const proposalParams = z.strictObject({
  target: targetId,
  id: z
    .string()
    .regex(/^\d+$/, 'must be a proposal id (a decimal number)')
    .describe('The proposal id, a decimal number.'),
});

const proposalsQuery = z.strictObject({
  chain: z.string().min(1).optional().describe('Only the proposals of governors on this chain.'),
  target: targetId.optional().describe('Only the proposals of this governor.'),
  state: z.enum(proposalStates).optional(),
});

/** Newest first: by creation time, later in chain order first among proposals created in the same block. */
const newestFirst = (proposals: ProposalView[]) =>
  [...proposals].reverse().sort((a, b) => b.createdAtMs - a.createdAtMs);

function proposalDetail(
  targets: KindTargets<GovernorTarget, GovernorView>,
  target: GovernorTarget,
  proposal: ProposalView,
): z.infer<typeof proposalDetailSchema> {
  const { store } = targets;
  const createdEvent = store.eventsAbout(target.id, proposal.id, ['ProposalCreated'])[0];
  return {
    ...proposalSummary(target, proposal),
    description: typeof createdEvent?.args.description === 'string' ? createdEvent.args.description : null,
    actions: proposal.actions.map((action) => ({
      target: action.target,
      value: action.value,
      call: action.call,
      ...decodedCall(targets.decoder, target.chain, action),
    })),
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
    votesCast: store.eventsAbout(target.id, proposal.id, ['VoteCast', 'VoteCastWithParams']).map(voteView),
    timeline: store
      .proposalStates(target.id, proposal.id)
      .map((row) => ({ state: row.state as ProposalView['state'], at: iso(row.atMs)!, block: row.blockNumber })),
  };
}

export function governorRoutes(targets: KindTargets<GovernorTarget, GovernorView>): GovernanceRoute[] {
  return [
    governanceRoute({
      url: '/api/v1/governance/proposals',
      summary: 'Proposals of the governors, newest first, with tallies, turnout, quorum risk and overdue execution.',
      query: proposalsQuery,
      ok: { description: 'Proposals.', schema: z.object({ proposals: z.array(proposalSummarySchema) }) },
      badRequest: true,
      notFound: 'No governor target with that id.',
      handler: ({ query }) => {
        const governors = query.target === undefined ? targets.all() : [targets.one(query.target)];
        const proposals = governors
          .filter((target) => query.chain === undefined || target.chain === query.chain)
          .flatMap((target) => newestFirst(targets.view(target).proposals).map((proposal) => ({ target, proposal })))
          .filter(({ proposal }) => query.state === undefined || proposal.state === query.state)
          .sort((a, b) => b.proposal.createdAtMs - a.proposal.createdAtMs);
        return { proposals: proposals.map(({ target, proposal }) => proposalSummary(target, proposal)) };
      },
    }),
    governanceRoute({
      url: '/api/v1/governance/proposals/:target/:id',
      summary: 'One proposal: tallies, every vote cast, its actions and the states it went through.',
      params: proposalParams,
      ok: { description: 'The proposal.', schema: proposalDetailSchema },
      badRequest: true,
      notFound: 'No governor with that id, or no proposal with that id on it.',
      handler: ({ params }) => {
        const target = targets.one(params.target);
        const proposal = targets.view(target).proposals.find((candidate) => candidate.id === params.id);
        if (!proposal) throw new GovernanceNotFoundError(`no proposal ${params.id} on governor "${target.id}"`);
        return proposalDetail(targets, target, proposal);
      },
    }),
  ];
}
