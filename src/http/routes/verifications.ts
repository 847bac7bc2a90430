// Governance decisions verified before they run: for each decision still to run, its newest simulation on a
// fork (outcome, findings, what it would do), and the history of every simulation of one decision.

import { z } from 'zod';
import type { GovernanceTracker } from '../../governance/governance-tracker.js';
import { iso } from '../../governance/kinds/api.js';
import { findingChecks } from '../../governance/policy/findings.js';
import type { Verification } from '../../governance/verify/verification-store.js';
import type { DecisionVerifier } from '../../governance/verify/verifier.js';
import { defineRoute, errorBodySchema, notFound, type RouteDefinition } from '../route.js';

const findingSchema = z.object({
  check: z.enum(findingChecks),
  severity: z.enum(['critical', 'warning']),
  action: z.string().nullable().describe('The action it is about, `1` or `2.1` (a call inside action 2).'),
  message: z.string(),
});

const listed = z.array(z.record(z.string(), z.unknown()));

export const verificationSchema = z.object({
  id: z.number().int(),
  target: z.string(),
  decisionType: z.enum(['proposal', 'operation']),
  decisionId: z.string(),
  stage: z.string().describe('The stage it was simulated at: pending, succeeded, queued, scheduled, ready.'),
  trigger: z.enum(['appeared', 'before_eta', 'retry']),
  at: z.string(),
  forkBlock: z.number().int().nullable(),
  outcome: z.enum(['success', 'revert', 'error', 'unsupported']),
  errorCode: z.string().nullable().describe('fork_failed, state_unavailable, timeout or unsupported.'),
  errorMessage: z.string().nullable(),
  durationMs: z.number().int(),
  upstreamRequests: z.number().int().describe("JSON-RPC requests the fork made to the chain's endpoint."),
  findings: z.array(findingSchema),
  simulation: z
    .object({
      success: z.boolean(),
      revert: z.object({ reason: z.string(), data: z.string().nullable() }).nullable(),
      failedStep: z.string().nullable(),
      note: z.string().nullable().describe('How it was run when not exactly as it will be: "as if passed: …".'),
      gasUsed: z.number().int(),
      executedAt: z.string(),
      events: listed.describe('Every event in order: `address`, `name` (null when no ABI knows it), `args`.'),
      ethChanges: listed,
      tokenChanges: listed,
      storageChanges: listed,
      proxyChanges: listed,
      codeChanges: listed,
      delegatecalls: listed,
      implementations: z
        .record(z.string(), z.object({ codeHash: z.string().nullable(), opcodes: z.array(z.string()) }))
        .describe(
          'Each implementation a proxy is pointed at: its code hash (for `implementationAllowlist`) and the ' +
            'SELFDESTRUCT and DELEGATECALL its code holds.',
        ),
    })
    .nullable(),
});

function verificationView(verification: Verification): z.infer<typeof verificationSchema> {
  const { result } = verification;
  return {
    id: verification.id,
    target: verification.target,
    decisionType: verification.decisionType,
    decisionId: verification.decisionId,
    stage: verification.stage,
    trigger: verification.trigger,
    at: iso(verification.atMs)!,
    forkBlock: verification.forkBlock,
    outcome: verification.outcome,
    errorCode: verification.errorCode,
    errorMessage: verification.errorMessage,
    durationMs: verification.durationMs,
    upstreamRequests: verification.upstreamRequests,
    findings: verification.findings,
    simulation: result && {
      success: result.success,
      revert: result.revert,
      failedStep: result.failedStep,
      note: result.note,
      gasUsed: result.gasUsed,
      executedAt: iso(result.executedAt * 1_000)!,
      events: result.events.map(({ action, address, name, args }) => ({ action, address, name, args })),
      ethChanges: result.ethChanges,
      tokenChanges: result.tokenChanges,
      storageChanges: result.storageChanges,
      proxyChanges: result.proxyChanges,
      codeChanges: result.codeChanges,
      delegatecalls: result.delegatecalls,
      implementations: Object.fromEntries(
        Object.entries(result.implementationCodeHashes).map(([address, codeHash]) => [
          address,
          { codeHash, opcodes: result.implementationOpcodes?.[address as `0x${string}`] ?? [] },
        ]),
      ),
    },
  };
}

export function verificationRoutes(deps: {
  tracker: GovernanceTracker;
  verifier: DecisionVerifier;
}): RouteDefinition[] {
  const { tracker, verifier } = deps;
  return [
    defineRoute({
      method: 'GET',
      url: '/api/v1/governance/verifications',
      summary: 'Every governance decision still to run, with its newest simulation and findings.',
      tag: 'governance',
      query: z.strictObject({ target: z.string().min(1).optional().describe('Only the decisions of this target.') }),
      responses: {
        200: {
          description: 'Decisions, per target in config order.',
          schema: z.object({
            decisions: z.array(
              z.object({
                target: z.string(),
                decisionType: z.enum(['proposal', 'operation']),
                decisionId: z.string(),
                stage: z.string(),
                verified: z.boolean().describe('Whether its newest simulation is of its current stage.'),
                latest: verificationSchema.nullable(),
              }),
            ),
          }),
        },
        400: { description: 'A bad parameter, named in `field`.', schema: errorBodySchema },
        404: { description: 'No governance target with that id.', schema: errorBodySchema },
      },
      handler: ({ query }) => {
        if (query.target !== undefined && !tracker.target(query.target))
          throw notFound(`no governance target "${query.target}"`);
        const targets = tracker.targets().filter((target) => query.target === undefined || target.id === query.target);
        return {
          decisions: targets.flatMap((target) =>
            tracker.verifiable(target.id).map((decision) => {
              const latest = verifier.latestOf(target.id, decision.type, decision.id);
              return {
                target: target.id,
                decisionType: decision.type,
                decisionId: decision.id,
                stage: decision.stage,
                verified: latest?.stage === decision.stage,
                latest: latest ? verificationView(latest) : null,
              };
            }),
          ),
        };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/governance/verifications/:target/:type/:id',
      summary: 'Every simulation of one governance decision, oldest first: its report.',
      tag: 'governance',
      params: z.strictObject({
        target: z.string().min(1),
        type: z.enum(['proposal', 'operation']),
        id: z.string().min(1).max(100),
      }),
      responses: {
        200: {
          description: 'The simulations; none yet for a decision not simulated (or not known).',
          schema: z.object({ verifications: z.array(verificationSchema) }),
        },
        400: { description: 'A bad parameter, named in `field`.', schema: errorBodySchema },
        404: { description: 'No governance target with that id.', schema: errorBodySchema },
      },
      handler: ({ params }) => {
        if (!tracker.target(params.target)) throw notFound(`no governance target "${params.target}"`);
        return { verifications: verifier.history(params.target, params.type, params.id).map(verificationView) };
      },
    }),
  ];
}
