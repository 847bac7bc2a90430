// Every governance kind, in one explicit list: its events and reads, its model and views, its gauges, alert
// rules and API routes are all in its own file (or folder). A new kind is one file and one line here. The
// order is the order of the kinds' gauges in /metrics, of their rules, and of their routes in the API.

import { contractKind } from './contract/index.js';
import { governorKind } from './governor/index.js';
import type { GovernanceKind } from './kind.js';
import { proxyKind } from './proxy.js';
import { safeKind } from './safe/index.js';
import { timelockKind } from './timelock/index.js';

export const governanceKinds: readonly GovernanceKind[] = [
  governorKind,
  timelockKind,
  safeKind,
  proxyKind,
  contractKind,
];

export function governanceKind(name: string): GovernanceKind {
  const found = governanceKinds.find((kind) => kind.name === name);
  if (!found) throw new Error(`no governance kind "${name}"`);
  return found;
}
