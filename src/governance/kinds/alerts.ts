// What the kinds' alert rules share: the labels of a target's series, and change rules. A change
// (threshold, owners, modules, guard, minimum delay, roles, proxy upgrade) fires for `changeHold` after its
// block and then resolves, one alert per change, so that history ingested at start never pages anyone.

import type { GovernanceTarget } from '../../domain/governance.js';
import type { GovernanceChange } from './change.js';
import type { GovernanceAlertContext, GovernanceAlertSpec } from './kind.js';

export const targetLabels = (target: GovernanceTarget) => ({
  ...target.labels,
  scope: 'governance',
  chain: target.chain,
  target: target.id,
  kind: target.kind,
});

// A block stamped ahead of our clock (a chain whose clock runs fast) is recent, not ignored.
export const recent = (atMs: number | null, nowMs: number, context: GovernanceAlertContext) =>
  atMs !== null && nowMs - atMs < context.changeHoldMs;

export function changeRule<View>(
  name: string,
  description: string,
  changes: (view: View) => GovernanceChange[],
  which: (change: GovernanceChange) => boolean,
): GovernanceAlertSpec<GovernanceTarget, View> {
  return {
    name,
    severity: 'critical',
    summary: '{{ $labels.target }} on {{ $labels.chain }}: {{ $labels.change }}',
    description,
    signals: (target, view, nowMs, context) =>
      changes(view)
        .filter((change) => which(change) && recent(change.blockTimeMs, nowMs, context))
        .map((change) => ({
          labels: {
            ...targetLabels(target),
            event: change.name,
            change: change.summary,
            tx: change.txHash,
            block: String(change.blockNumber),
          },
          value: change.blockTimeMs / 1_000,
          condition: () => true,
        })),
  };
}

/** A change rule over the changes named. */
export const changesNamed = (names: readonly string[]) => (change: GovernanceChange) => names.includes(change.name);
