// Every ERE dashboard and the file it is written to under dashboards/: one line per dashboard.

import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { alertsDashboard } from './alerts.js';
import { chainsDashboard } from './chains.js';
import { governanceDashboard } from './governance.js';
import { selfDashboard } from './self.js';
import { slosDashboard } from './slos.js';
import { validatorsDashboard } from './validators.js';

export const dashboards: readonly { file: string; build: () => Dashboard }[] = [
  { file: 'ere-chains.json', build: chainsDashboard },
  { file: 'ere-slos.json', build: slosDashboard },
  { file: 'ere-alerts.json', build: alertsDashboard },
  { file: 'ere-governance.json', build: governanceDashboard },
  { file: 'ere-validators.json', build: validatorsDashboard },
  { file: 'ere-self.json', build: selfDashboard },
];

/**
 * The file's text: two-space JSON and a final newline, so that diffs of the committed files stay small; the
 * uid, title and description first, where a reader of the file looks for them.
 */
export function renderDashboard(dashboard: Dashboard): string {
  const { uid, title, description, ...rest } = dashboard;
  return `${JSON.stringify({ uid, title, description, ...rest }, null, 2)}\n`;
}
