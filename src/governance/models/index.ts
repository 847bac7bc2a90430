// Every governance model, one per kind, in one explicit list.

import type { GovernanceKindName, GovernanceTarget } from '../../domain/governance.js';
import { governorModel } from './governor.js';
import type { GovernanceModel } from './model.js';
import { proxyModel } from './proxy.js';
import { safeModel } from './safe.js';
import { timelockModel } from './timelock.js';

export const governanceModels: readonly GovernanceModel<unknown, unknown, GovernanceTarget>[] = [governorModel, timelockModel, safeModel, proxyModel] as unknown as GovernanceModel<unknown, unknown, GovernanceTarget>[];

export function governanceModel(kind: GovernanceKindName): GovernanceModel<unknown, unknown, GovernanceTarget> {
  const found = governanceModels.find((candidate) => candidate.kind === kind);
  if (!found) throw new Error(`no governance model for kind "${kind}"`);
  return found;
}
