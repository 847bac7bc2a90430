// Every SLI kind, in one explicit list. A new kind is one file and one line here.

import { attestationEffectiveness } from './attestation-effectiveness.js';
import { availability } from './availability.js';
import { correctness } from './correctness.js';
import { freshness } from './freshness.js';
import { governanceExecution } from './governance-execution.js';
import { governanceParticipation } from './governance-participation.js';
import { governanceVerification } from './governance-verification.js';
import { latency } from './latency.js';
import { proposalSuccess } from './proposal-success.js';
import { redundancy } from './redundancy.js';
import type { SliKind } from './sli-kind.js';
import { txInclusion } from './tx-inclusion.js';

export const sliKinds: readonly SliKind[] = [
  availability,
  latency,
  freshness,
  redundancy,
  correctness,
  txInclusion,
  governanceExecution,
  governanceParticipation,
  governanceVerification,
  attestationEffectiveness,
  proposalSuccess,
];

export function sliKind(kind: string): SliKind | undefined {
  return sliKinds.find((candidate) => candidate.kind === kind);
}
