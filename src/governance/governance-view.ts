// The API's view of governance targets: each kind's model view turned into JSON as the API shows it (times
// as ISO 8601, token amounts and ids as decimal strings), with the schemas the OpenAPI document is built from.

import { getAddress } from 'viem';
import { z } from 'zod';
import { governanceKinds, proposalStates, type GovernanceTarget } from '../domain/governance.js';
import type { ProposalView } from './models/governor.js';
import type { GovernanceChange } from './models/model.js';
import type { ProxyView } from './models/proxy.js';
import type { SafeView } from './models/safe.js';
import { operationStatuses, type OperationView } from './models/timelock.js';
import type { TargetStatus } from './governance-tracker.js';
import type { StoredGovernanceEvent } from './governance-store.js';

export const iso = (ms: number | null | undefined) => (ms === null || ms === undefined ? null : new Date(ms).toISOString());

const amount = z.string().describe('A token amount in its smallest unit, as a decimal string.');
const votesSchema = z.object({ for: amount, against: amount, abstain: amount });

export const targetSchema = z.object({
  id: z.string(),
  kind: z.enum(governanceKinds),
  chain: z.string(),
  address: z.string(),
  startBlock: z.number().int(),
  confirmations: z.number().int(),
  labels: z.record(z.string(), z.string()),
  events: z.number().int().describe('Events stored for the target.'),
  status: z.object({
    cursorBlock: z.number().int().nullable().describe('Every block up to this one is ingested; null before the first batch.'),
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

export function targetView(target: GovernanceTarget, status: TargetStatus | undefined, events: number): z.infer<typeof targetSchema> {
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
      lastError: status?.lastError ? { errorClass: status.lastError.errorClass, message: status.lastError.message, at: iso(status.lastError.atMs)! } : null,
      endpoint: status?.endpoint ?? null,
      rangeSize: status?.rangeSize ?? target.maxBlockRange,
    },
  };
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
  return { name: change.name, summary: change.summary, block: change.blockNumber, at: iso(change.blockTimeMs)!, tx: change.txHash, logIndex: change.logIndex };
}

export const proposalSummarySchema = z.object({
  id: z.string().describe('The proposal id, a decimal number.'),
  target: z.string(),
  chain: z.string(),
  title: z.string(),
  proposer: z.string(),
  state: z.enum(proposalStates),
  votes: votesSchema,
  quorum: amount.nullable().describe('null until voting has started.'),
  quorumReachedRatio: z.number().nullable().describe('Votes counted towards quorum over the quorum: 2.5 is 250 % of quorum. null until the quorum is known.'),
  turnoutRatio: z.number().nullable().describe('Deprecated: the former name of quorumReachedRatio (the same value), removed in the next release. Turnout is turnoutOfSupplyRatio.'),
  votesTotal: amount.describe('Votes cast: for, against and abstain.'),
  votingSupply: amount.nullable().describe("The votes token's total supply at the proposal's snapshot (getPastTotalSupply); null until voting has started, and for Bravo governors."),
  turnoutOfSupplyRatio: z.number().nullable().describe('Turnout: votes cast over the voting supply; null while the supply is unknown.'),
  quorumAtRisk: z.boolean().describe('Active, below quorum and within the risk window of its deadline.'),
  overdue: z.boolean().describe('Executable for longer than the execution grace without being executed.'),
  createdAt: z.string(),
  deadline: z.string().nullable().describe('End of voting (estimated while in the future).'),
  eta: z.string().nullable().describe('When a queued proposal becomes executable.'),
});

export function proposalSummary(target: GovernanceTarget, proposal: ProposalView): z.infer<typeof proposalSummarySchema> {
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
  actions: z.array(z.object({ target: z.string(), value: amount, call: z.string().describe('The signature, or the calldata’s 4-byte selector.') })),
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
  timeline: z.array(z.object({ state: z.enum(proposalStates), at: z.string(), block: z.number().int().describe('The block at which it was seen.') })),
});

export const operationSchema = z.object({
  id: z.string(),
  status: z.enum(operationStatuses),
  calls: z.array(z.object({ index: z.number().int(), target: z.string(), value: amount, call: z.string() })),
  predecessor: z.string().nullable(),
  delaySeconds: z.number().nullable(),
  scheduledAt: z.string(),
  scheduledTx: z.string(),
  readyAt: z.string(),
  executedAt: z.string().nullable(),
  cancelledAt: z.string().nullable(),
});

export function operationView(operation: OperationView): z.infer<typeof operationSchema> {
  return {
    id: operation.id,
    status: operation.status,
    calls: operation.calls,
    predecessor: operation.predecessor,
    delaySeconds: operation.delaySeconds,
    scheduledAt: iso(operation.scheduledAtMs)!,
    scheduledTx: operation.scheduledTx,
    readyAt: iso(operation.readyAtMs)!,
    executedAt: iso(operation.executedAtMs),
    cancelledAt: iso(operation.cancelledAtMs),
  };
}

export const safeSchema = z.object({
  target: z.string(),
  chain: z.string(),
  address: z.string(),
  source: z.enum(['snapshot', 'events']).describe('Where owners, threshold, modules and guards come from: the direct read, or the events before one.'),
  owners: z.array(z.string()).nullable(),
  threshold: z.number().int().nullable(),
  nonce: z.number().int().nullable(),
  modules: z.array(z.string()),
  guard: z.string().nullable(),
  moduleGuard: z.string().nullable(),
  version: z.string().nullable(),
  policy: z.object({ ok: z.boolean(), required: z.number().int().nullable(), reason: z.string().nullable() }).nullable(),
  executed: z.number().int(),
  failed: z.number().int(),
  moduleExecuted: z.number().int(),
  moduleFailed: z.number().int(),
  lastExecutionAt: z.string().nullable(),
  lastModuleExecutionAt: z.string().nullable(),
  history: z.array(changeSchema).describe('Owner, threshold, module and guard changes, newest first.'),
});

export function safeView(target: GovernanceTarget, view: SafeView): z.infer<typeof safeSchema> {
  const { changes, lastExecutionMs, lastModuleExecutionMs, ...rest } = view;
  return {
    target: target.id,
    chain: target.chain,
    address: target.address,
    ...rest,
    lastExecutionAt: iso(lastExecutionMs),
    lastModuleExecutionAt: iso(lastModuleExecutionMs),
    history: changes.map(changeView),
  };
}

export const proxySchema = z.object({
  target: z.string(),
  chain: z.string(),
  address: z.string(),
  implementation: z.string().nullable(),
  admin: z.string().nullable(),
  beacon: z.string().nullable(),
  beaconImplementation: z.string().nullable().describe('What the beacon points at, for a beacon proxy.'),
  lastUpgradeAt: z.string().nullable(),
  upgrades: z.array(changeSchema).describe('Upgraded, AdminChanged and BeaconUpgraded, newest first.'),
});

export function proxyView(target: GovernanceTarget, view: ProxyView): z.infer<typeof proxySchema> {
  return {
    target: target.id,
    chain: target.chain,
    address: target.address,
    implementation: view.implementation,
    admin: view.admin,
    beacon: view.beacon,
    beaconImplementation: view.beaconImplementation,
    lastUpgradeAt: iso(view.lastUpgradeMs),
    upgrades: view.upgrades.map(changeView),
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
  args: z.record(z.string(), z.unknown()).describe('Decoded arguments: integers as decimal strings, addresses checksummed, bytes as hex.'),
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
