// Whether a decision was verified in time, for the `governance_verification` SLI. Pure. Its deadline is the end
// of its vote, for a proposal ERE saw while its vote was open (a simulation then still helps the voters), else
// its ETA (a proposal seen once voting was over, a timelock operation). It is good when the newest simulation
// that ran by the deadline succeeded with no critical finding; bad when none ran (a fork that failed each
// time, a decision ERE cannot simulate), or when it predicted a revert or found something critical.

import type { VerifiableDecision } from '../kinds/kind.js';
import type { Verification } from './verification-store.js';

export interface VerificationDeadline {
  atMs: number;
  of: 'vote' | 'eta';
}

/** The deadline, given when ERE first saw the decision; null while it has neither a vote end nor an ETA. */
export function verificationDeadline(
  decision: Pick<VerifiableDecision, 'voteEndsAtMs' | 'executableAtMs'>,
  firstSeenMs: number,
): VerificationDeadline | null {
  if (decision.voteEndsAtMs !== null && firstSeenMs < decision.voteEndsAtMs)
    return { atMs: decision.voteEndsAtMs, of: 'vote' };
  if (decision.executableAtMs !== null) return { atMs: decision.executableAtMs, of: 'eta' };
  return null;
}

/** Good when the newest simulation by the deadline (failed runs left out) succeeded with no critical finding. */
export function verifiedInTime(history: readonly Verification[], deadlineMs: number): boolean {
  const simulated = history.filter(
    (verification) =>
      verification.atMs <= deadlineMs && (verification.outcome === 'success' || verification.outcome === 'revert'),
  );
  const newest = simulated.at(-1);
  return (
    newest !== undefined &&
    newest.outcome === 'success' &&
    !newest.findings.some((finding) => finding.severity === 'critical')
  );
}
