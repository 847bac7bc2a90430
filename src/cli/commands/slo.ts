// `ere slo <subcommand>`: SLO tooling beside the running service. Each subcommand is one file, listed here.

import { commandGroup } from '../command.js';
import { sloImport } from './slo-import.js';
import { sloRules } from './slo-rules.js';

export const slo = commandGroup('slo', 'SLO tooling: Prometheus rules for the configured SLOs, OpenSLO import.', [
  sloRules,
  sloImport,
]);
