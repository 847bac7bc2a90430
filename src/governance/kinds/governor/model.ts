// The governor model: proposals folded from their events (created, votes, queued, executed, canceled) and
// delegates' voting power from the token's DelegateVotesChanged; the view adds what the latest direct read
// says (state, quorum, deadline) and derives turnout, quorum at risk, overdue execution and concentration.

import type { GovernanceEvent, GovernanceTarget, ProposalState } from '../../../domain/governance.js';
import { changeOf, type GovernanceChange } from '../change.js';
import type { GovernanceModel } from '../kind.js';
import type { GovernorSettings } from './config.js';

export type GovernorTarget = GovernanceTarget<'governor', GovernorSettings>;

export interface ProposalAction {
  target: string;
  value: string;
  /** The function called: the signature when given, else the calldata's 4-byte selector. */
  call: string;
  /** The calldata; with a Bravo `signature`, the arguments only. */
  data: string;
  /** Bravo's function signature, empty when the data carries its selector. */
  signature: string;
}

export interface ProposalRecord {
  id: string;
  proposer: string;
  title: string;
  description: string;
  actions: ProposalAction[];
  voteStart: number;
  voteEnd: number;
  createdBlock: number;
  createdAtMs: number;
  createdTx: string;
  votes: { for: bigint; against: bigint; abstain: bigint };
  voters: number;
  etaSeconds: number | null;
  queuedAtMs: number | null;
  executedAtMs: number | null;
  canceledAtMs: number | null;
}

export interface GovernorState {
  proposals: Map<string, ProposalRecord>;
  /** Each delegate's latest voting power. */
  delegates: Map<string, bigint>;
  /** Settings changed by governance itself (quorum numerator, voting period…), newest last. */
  settingChanges: GovernanceEvent[];
}

export interface ProposalView {
  id: string;
  proposer: string;
  title: string;
  /** The whole description: its hash is part of what `queue` and `execute` are called with. */
  description: string;
  actions: ProposalAction[];
  state: ProposalState;
  createdAtMs: number;
  voteStart: number;
  voteEnd: number;
  voteStartMs: number | null;
  voteEndMs: number | null;
  votes: { for: string; against: string; abstain: string };
  voters: number;
  quorum: string | null;
  /** Votes that count towards quorum over the quorum (2.5: 250 % of quorum); null while the quorum is unknown. */
  quorumReachedRatio: number | null;
  /** The former name of quorumReachedRatio, kept for one release. */
  turnoutRatio: number | null;
  /** Votes cast (for, against and abstain). */
  votesTotal: string;
  /** The token's total supply at the proposal's snapshot (getPastTotalSupply); null until read, and for Bravo. */
  votingSupply: string | null;
  /** Votes cast over the voting supply: the proposal's turnout; null while the supply is unknown. */
  turnoutOfSupplyRatio: number | null;
  quorumReached: boolean | null;
  /** Active, below quorum, and within the risk window of its deadline. */
  quorumAtRisk: boolean;
  etaMs: number | null;
  /** When it could be executed: its ETA once queued, else the end of voting once it succeeded. */
  executableAtMs: number | null;
  /** Succeeded or queued, and not executed within the grace after becoming executable. */
  overdue: boolean;
  queuedAtMs: number | null;
  executedAtMs: number | null;
  canceledAtMs: number | null;
}

export interface GovernorView {
  proposals: ProposalView[];
  byState: Record<ProposalState, number>;
  /** Share of all delegated voting power held by the top N delegates; null with no delegation seen. */
  topDelegatesShare: number | null;
  topDelegates: { delegate: string; votes: string; share: number }[];
  delegatedVotes: string;
  timelock: string | null;
  token: string | null;
  /** Changes of the governor's own settings (quorum, voting delay and period, threshold, timelock), newest first. */
  changes: GovernanceChange[];
}

/** The title of a proposal: the description's first line, without a leading Markdown "#". */
export function proposalTitle(description: string): string {
  const first = description.split('\n').find((line) => line.trim() !== '') ?? '';
  const title = first.replace(/^#+\s*/, '').trim();
  return title.length > 200 ? `${title.slice(0, 199)}…` : title;
}

const asString = (value: unknown) => (value === null || value === undefined ? '' : String(value));
const asStrings = (value: unknown) => (Array.isArray(value) ? value.map(asString) : []);

function actionsOf(args: Record<string, unknown>): ProposalAction[] {
  const targets = asStrings(args.targets);
  const values = asStrings(args.values);
  const signatures = asStrings(args.signatures);
  const calldatas = asStrings(args.calldatas);
  return targets.map((target, index) => ({
    target,
    value: values[index] ?? '0',
    call: signatures[index] || (calldatas[index] ?? '').slice(0, 10) || '(none)',
    data: calldatas[index] || '0x',
    signature: signatures[index] ?? '',
  }));
}

/** The state from events alone, for a proposal not read yet, or executed or canceled since its last read. */
function stateFromEvents(proposal: ProposalRecord, previous: ProposalState | undefined): ProposalState {
  if (proposal.executedAtMs !== null) return 'Executed';
  if (proposal.canceledAtMs !== null) return 'Canceled';
  if (proposal.queuedAtMs !== null) return previous === 'Expired' ? 'Expired' : 'Queued';
  return previous ?? 'Pending';
}

function settingSummary(event: GovernanceEvent): string {
  const values = Object.values(event.args).map(String);
  const setting = event.name
    .replace(/(Set|Updated|Change)$/, '')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase();
  return `${setting} ${values[0] ?? '?'} → ${values[1] ?? '?'}`;
}

export function emptyStateCounts(): Record<ProposalState, number> {
  return { Pending: 0, Active: 0, Canceled: 0, Defeated: 0, Succeeded: 0, Queued: 0, Expired: 0, Executed: 0 };
}

interface ProposalRead {
  state?: ProposalState;
  quorum?: string | null;
  votingSupply?: string | null;
  etaSeconds?: number | null;
  voteStartMs?: number;
  voteEndMs?: number;
}

/** a / b to six decimals, exact on token amounts far above 2^53. */
const ratioOf = (a: bigint, b: bigint) => Number((a * 1_000_000n) / b) / 1_000_000;

export function viewProposal(
  target: GovernorTarget,
  proposal: ProposalRecord,
  read: ProposalRead | undefined,
  nowMs: number,
): ProposalView {
  // Executions and cancellations are known from events before the next read; otherwise the read is the truth.
  const state =
    proposal.executedAtMs !== null || proposal.canceledAtMs !== null
      ? stateFromEvents(proposal, read?.state)
      : (read?.state ?? stateFromEvents(proposal, undefined));
  const quorum = read?.quorum ?? null;
  // OpenZeppelin's simple counting counts for and abstain towards quorum; Bravo counts for votes only.
  const counted = target.settings.flavor === 'bravo' ? proposal.votes.for : proposal.votes.for + proposal.votes.abstain;
  const quorumBig = quorum === null ? null : BigInt(quorum);
  const quorumReachedRatio = quorumBig === null ? null : quorumBig === 0n ? 1 : ratioOf(counted, quorumBig);
  const votesCast = proposal.votes.for + proposal.votes.against + proposal.votes.abstain;
  const supply = read?.votingSupply == null ? null : BigInt(read.votingSupply);
  const turnoutOfSupplyRatio = supply === null || supply === 0n ? null : ratioOf(votesCast, supply);
  const quorumReached = quorumBig === null ? null : counted >= quorumBig;
  const voteEndMs = read?.voteEndMs ?? null;
  const quorumAtRisk =
    state === 'Active' &&
    quorumReached === false &&
    voteEndMs !== null &&
    nowMs >= voteEndMs - target.settings.quorumRiskWindowMs;
  const etaSeconds = proposal.etaSeconds ?? read?.etaSeconds ?? null;
  const etaMs = etaSeconds === null ? null : etaSeconds * 1_000;
  const executableAtMs =
    state === 'Queued' || state === 'Expired'
      ? etaMs
      : state === 'Succeeded'
        ? voteEndMs
        : proposal.executedAtMs !== null
          ? (etaMs ?? voteEndMs)
          : null;
  const overdue =
    (state === 'Succeeded' || state === 'Queued') &&
    executableAtMs !== null &&
    nowMs > executableAtMs + target.settings.executionGraceMs;
  return {
    id: proposal.id,
    proposer: proposal.proposer,
    title: proposal.title,
    description: proposal.description,
    actions: proposal.actions,
    state,
    createdAtMs: proposal.createdAtMs,
    voteStart: proposal.voteStart,
    voteEnd: proposal.voteEnd,
    voteStartMs: read?.voteStartMs ?? null,
    voteEndMs,
    votes: {
      for: proposal.votes.for.toString(),
      against: proposal.votes.against.toString(),
      abstain: proposal.votes.abstain.toString(),
    },
    voters: proposal.voters,
    quorum,
    quorumReachedRatio,
    turnoutRatio: quorumReachedRatio,
    votesTotal: votesCast.toString(),
    votingSupply: supply === null ? null : supply.toString(),
    turnoutOfSupplyRatio,
    quorumReached,
    quorumAtRisk,
    etaMs,
    executableAtMs,
    overdue,
    queuedAtMs: proposal.queuedAtMs,
    executedAtMs: proposal.executedAtMs,
    canceledAtMs: proposal.canceledAtMs,
  };
}

function concentration(delegates: ReadonlyMap<string, bigint>, top: number) {
  const ranked = [...delegates]
    .filter(([, votes]) => votes > 0n)
    .sort((a, b) => (a[1] === b[1] ? 0 : a[1] > b[1] ? -1 : 1));
  const total = ranked.reduce((sum, [, votes]) => sum + votes, 0n);
  const share = (votes: bigint) => (total === 0n ? 0 : Number((votes * 1_000_000n) / total) / 1_000_000);
  const topRanked = ranked.slice(0, top);
  return {
    topDelegatesShare: total === 0n ? null : share(topRanked.reduce((sum, [, votes]) => sum + votes, 0n)),
    topDelegates: topRanked.map(([delegate, votes]) => ({ delegate, votes: votes.toString(), share: share(votes) })),
    delegatedVotes: total.toString(),
  };
}

export const governorModel: GovernanceModel<GovernorTarget, GovernorState, GovernorView> = {
  initial: () => ({ proposals: new Map(), delegates: new Map(), settingChanges: [] }),
  apply(state, event) {
    const { args } = event;
    const proposal = event.key === null ? undefined : state.proposals.get(event.key);
    switch (event.name) {
      case 'ProposalCreated': {
        const description = asString(args.description);
        state.proposals.set(String(args.proposalId), {
          id: String(args.proposalId),
          proposer: asString(args.proposer),
          title: proposalTitle(description),
          description: description.length > 10_000 ? `${description.slice(0, 9_999)}…` : description,
          actions: actionsOf(args),
          voteStart: Number(args.voteStart),
          voteEnd: Number(args.voteEnd),
          createdBlock: event.blockNumber,
          createdAtMs: event.blockTimeMs,
          createdTx: event.txHash,
          votes: { for: 0n, against: 0n, abstain: 0n },
          voters: 0,
          etaSeconds: null,
          queuedAtMs: null,
          executedAtMs: null,
          canceledAtMs: null,
        });
        return;
      }
      case 'VoteCast':
      case 'VoteCastWithParams': {
        if (!proposal) return;
        const weight = BigInt(String(args.weight));
        const support = Number(args.support);
        if (support === 0) proposal.votes.against += weight;
        else if (support === 1) proposal.votes.for += weight;
        else if (support === 2) proposal.votes.abstain += weight;
        proposal.voters += 1;
        return;
      }
      case 'ProposalQueued':
        if (proposal) {
          proposal.queuedAtMs = event.blockTimeMs;
          proposal.etaSeconds = Number(args.etaSeconds) || null;
        }
        return;
      case 'ProposalExecuted':
        if (proposal) proposal.executedAtMs = event.blockTimeMs;
        return;
      case 'ProposalCanceled':
        if (proposal) proposal.canceledAtMs = event.blockTimeMs;
        return;
      case 'DelegateVotesChanged':
        state.delegates.set(String(args.delegate), BigInt(String(args.newVotes)));
        return;
      default:
        state.settingChanges.push(event);
    }
  },
  view(target, state, snapshot, nowMs) {
    const reads = (snapshot?.state.proposals ?? {}) as Record<string, ProposalRead>;
    const proposals = [...state.proposals.values()].map((proposal) =>
      viewProposal(target, proposal, reads[proposal.id], nowMs),
    );
    const byState = emptyStateCounts();
    for (const proposal of proposals) byState[proposal.state] += 1;
    return {
      proposals,
      byState,
      ...concentration(state.delegates, target.settings.topDelegates),
      timelock: typeof snapshot?.state.timelock === 'string' ? snapshot.state.timelock : null,
      token: typeof snapshot?.state.token === 'string' ? snapshot.state.token : null,
      changes: state.settingChanges.map((event) => changeOf(event, settingSummary(event))).reverse(),
    };
  },
};
