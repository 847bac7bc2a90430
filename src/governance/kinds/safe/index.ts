// The Safe multisig kind: who can sign and how many must, against the target's threshold policy; the
// modules and guards that act around the owners; its gauges, its alerts (every change of who controls it is
// critical) and its API answer.

import { z } from 'zod';
import type { GovernanceTarget } from '../../../domain/governance.js';
import { changeRule, changesNamed, targetLabels } from '../alerts.js';
import type { GovernanceDecoder } from '../../decode/governance-decoder.js';
import { changeSchema, changeView, decodedCallFields, governanceRoute, iso, targetParams } from '../api.js';
import { defineGovernanceKind } from '../define-kind.js';
import { argsBeforeSafeEvent, readSafe, safeEvents, safeKeyOf } from './ingest.js';
import { safeModel, type SafeState, type SafeTarget, type SafeView, thresholdPolicy } from './model.js';
import { safeConfig } from './config.js';

export const safeSchema = z.object({
  target: z.string(),
  chain: z.string(),
  address: z.string(),
  source: z
    .enum(['snapshot', 'events'])
    .describe('Where owners, threshold, modules and guards come from: the direct read, or the events before one.'),
  owners: z.array(z.string()).nullable(),
  threshold: z.number().int().nullable(),
  nonce: z.number().int().nullable(),
  modules: z.array(z.string()),
  guard: z.string().nullable(),
  moduleGuard: z.string().nullable(),
  version: z.string().nullable(),
  policy: z
    .object({ ok: z.boolean(), required: z.number().int().nullable(), reason: z.string().nullable() })
    .nullable(),
  executed: z.number().int(),
  failed: z.number().int(),
  moduleExecuted: z.number().int(),
  moduleFailed: z.number().int(),
  lastExecutionAt: z.string().nullable(),
  lastModuleExecutionAt: z.string().nullable(),
  history: z.array(changeSchema).describe('Owner, threshold, module and guard changes, newest first.'),
  transactions: z
    .array(
      z.object({
        safeTxHash: z.string(),
        success: z.boolean(),
        tx: z.string().describe('The transaction that executed it.'),
        block: z.number().int(),
        at: z.string(),
        call: z
          .object({
            to: z.string(),
            value: z.string(),
            operation: z.enum(['call', 'delegatecall']),
            ...decodedCallFields,
          })
          .nullable()
          .describe('What it called; null when executed through another contract by a Safe without SafeL2 events.'),
      }),
    )
    .describe('The newest executed transactions (at most 100), newest first, each decoded.'),
});

export function safeJson(
  target: GovernanceTarget,
  view: SafeView,
  decoder: GovernanceDecoder,
): z.infer<typeof safeSchema> {
  const { changes, lastExecutionMs, lastModuleExecutionMs, transactions, ...rest } = view;
  return {
    target: target.id,
    chain: target.chain,
    address: target.address,
    ...rest,
    lastExecutionAt: iso(lastExecutionMs),
    lastModuleExecutionAt: iso(lastModuleExecutionMs),
    history: changes.map(changeView),
    transactions: transactions.map((transaction) => {
      const { call } = transaction;
      const operation = call?.operation === 1 ? ('delegatecall' as const) : ('call' as const);
      const decoded =
        call && decoder.decode(target.chain, { to: call.to, value: call.value, data: call.data, operation });
      return {
        safeTxHash: transaction.safeTxHash,
        success: transaction.success,
        tx: transaction.txHash,
        block: transaction.blockNumber,
        at: iso(transaction.blockTimeMs)!,
        call:
          call && decoded
            ? {
                to: call.to,
                value: call.value,
                operation,
                data: call.data,
                summary: decoder.summarize(target.chain, decoded),
                decoded: decoder.rows(target.chain, decoded),
              }
            : null,
      };
    }),
  };
}

const safeChange = (name: string, description: string, events: readonly string[]) =>
  changeRule<SafeView>(name, description, (view) => view.changes, changesNamed(events));

export const safeKind = defineGovernanceKind<SafeTarget, SafeState, SafeView>({
  name: 'safe',
  config: safeConfig,
  events: safeEvents,
  addresses: async (target) => [target.address],
  keyOf: safeKeyOf,
  argsBefore: (target, name, reads, txHash) => argsBeforeSafeEvent(target.address, name, reads, txHash),
  snapshot: (target, reads) => readSafe(target.address, reads),
  ...safeModel,
  signers: (target, view) =>
    view.owners === null || view.threshold === null
      ? undefined
      : {
          owners: view.owners.length,
          threshold: view.threshold,
          required: (owners) => thresholdPolicy(owners, 0, target.settings).required,
        },
  gauges: [
    {
      gauge: { name: 'ere_governance_safe_threshold', help: 'Signatures a Safe transaction needs.' },
      value: (view) => view.threshold,
    },
    {
      gauge: { name: 'ere_governance_safe_owners', help: 'Owners of the Safe.' },
      value: (view) => view.owners?.length ?? null,
    },
    {
      gauge: { name: 'ere_governance_safe_nonce', help: 'The Safe’s nonce: transactions it has executed.' },
      value: (view) => view.nonce,
    },
    {
      gauge: {
        name: 'ere_governance_safe_threshold_policy_ok',
        help:
          '1 when the Safe’s threshold meets the target’s policy, 0 when ' +
          'not; absent while owners or threshold are unknown.',
      },
      value: (view) => (view.policy ? Number(view.policy.ok) : null),
    },
    {
      gauge: {
        name: 'ere_governance_safe_modules',
        help: 'Modules enabled on the Safe (each can execute without the owners’ signatures).',
      },
      value: (view) => view.modules.length,
    },
  ],
  alerts: [
    safeChange('SafeThresholdChanged', 'The number of signatures the Safe needs changed.', ['ChangedThreshold']),
    safeChange('SafeOwnersChanged', 'An owner was added to or removed from the Safe.', ['AddedOwner', 'RemovedOwner']),
    safeChange(
      'SafeModuleChanged',
      "A module was enabled or disabled: a module can execute transactions without the owners' signatures.",
      ['EnabledModule', 'DisabledModule'],
    ),
    safeChange('SafeGuardChanged', "The Safe's transaction or module guard changed.", [
      'ChangedGuard',
      'ChangedModuleGuard',
      'ChangedFallbackHandler',
    ]),
    {
      name: 'SafeThresholdPolicyViolated',
      severity: 'critical',
      summary: 'Safe {{ $labels.target }} needs only {{ $value }} signature(s): below its policy',
      description: '{{ $labels.reason }}',
      signals: (target, { policy, threshold }) => [
        {
          labels: { ...targetLabels(target), reason: policy?.reason ?? '' },
          value: threshold,
          condition: () => (policy === null ? null : !policy.ok),
        },
      ],
    },
  ],
  routes: (targets) => [
    governanceRoute({
      url: '/api/v1/governance/safes/:target',
      summary:
        'A Safe: owners, threshold against the policy, nonce, modules, ' +
        'guards, executions and the history of its configuration.',
      params: targetParams,
      ok: { description: 'The Safe.', schema: safeSchema },
      notFound: 'No Safe target with that id.',
      handler: ({ params }) => {
        const target = targets.one(params.target);
        return safeJson(target, targets.view(target), targets.decoder);
      },
    }),
  ],
});
