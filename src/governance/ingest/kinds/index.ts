// Every governance collector kind, in one explicit list. A new kind is one file and one line here.

import type { GovernanceKindName } from '../../../domain/governance.js';
import type { GovernanceCollectorKind } from '../kind.js';
import { governorKind } from './governor.js';
import { proxyKind } from './proxy.js';
import { safeKind } from './safe.js';
import { timelockKind } from './timelock.js';

export const governanceCollectorKinds: readonly GovernanceCollectorKind[] = [governorKind, timelockKind, safeKind, proxyKind];

export function governanceCollectorKind(kind: GovernanceKindName): GovernanceCollectorKind {
  const found = governanceCollectorKinds.find((candidate) => candidate.kind === kind);
  if (!found) throw new Error(`no governance collector for kind "${kind}"`);
  return found;
}
