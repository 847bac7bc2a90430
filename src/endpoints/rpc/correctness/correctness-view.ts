// The API's view of a chain's data checks: per check whether it runs or why it is skipped, and per endpoint
// each check's latest outcome, its last disagreement, and what holds it unhealthy.

import { z } from 'zod';
import { checkOutcomes, correctnessChecks, type IncorrectData } from '../../../domain/rpc.js';
import { iso } from '../../endpoint-view.js';
import type { ChainTracker } from '../rpc-tracker.js';
import type { CorrectnessReader } from './correctness-engine.js';
import type { CorrectnessStore } from './correctness-store.js';

const disagreementSchema = z.object({
  check: z.enum(correctnessChecks),
  block: z.number().int().nullable(),
  against: z.enum(['majority', 'beacon', 'receipts', 'bloom']),
  message: z.string(),
  at: z.string(),
});

export const chainCorrectnessSchema = z.object({
  chain: z.string(),
  checks: z.array(
    z.object({
      check: z.enum(correctnessChecks),
      skipped: z.string().nullable().describe('Why the check said nothing at its last run, if it did not.'),
    }),
  ),
  endpoints: z.array(
    z.object({
      id: z.string(),
      incorrectData: disagreementSchema.nullable().describe('The disagreement that holds the endpoint unhealthy.'),
      checks: z.array(
        z.object({
          check: z.enum(correctnessChecks),
          outcome: z.enum(checkOutcomes).nullable().describe('null before the check first ran.'),
          at: z.string().nullable(),
          block: z.number().int().nullable(),
          lastDisagreement: disagreementSchema.nullable(),
        }),
      ),
      recentDisagreements: z.array(disagreementSchema),
    }),
  ),
});

export type ChainCorrectness = z.infer<typeof chainCorrectnessSchema>;

const disagreementView = (finding: IncorrectData | null | undefined) =>
  finding ? { ...finding, at: iso(finding.at)! } : null;

export function chainCorrectness(
  chain: string,
  deps: { reader: CorrectnessReader; store: CorrectnessStore; tracker: ChainTracker },
): ChainCorrectness | undefined {
  const configured = deps.reader.chains().find((candidate) => candidate.chain === chain);
  if (!configured) return undefined;
  return {
    chain,
    checks: configured.checks.map((check) => ({ check, skipped: deps.reader.skipped(chain, check) ?? null })),
    endpoints: configured.endpoints.map((id) => ({
      id,
      incorrectData: disagreementView(deps.tracker.incorrectData(id)),
      checks: configured.checks.map((check) => {
        const state = deps.reader.state(id, check);
        return {
          check,
          outcome: state?.outcome ?? null,
          at: state ? iso(state.at) : null,
          block: state?.block ?? null,
          lastDisagreement: disagreementView(deps.reader.lastDisagreement(id, check)),
        };
      }),
      recentDisagreements: deps.store
        .disagreements(id, 10)
        .map(({ chain: _chain, endpoint: _endpoint, ...finding }) => disagreementView(finding)!),
    })),
  };
}
