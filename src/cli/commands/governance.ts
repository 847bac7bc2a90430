// `ere governance <subcommand>`: governance decisions of a running ERE, through its API.

import { commandGroup } from '../command.js';
import { governanceShow } from './governance-show.js';

export const governance = commandGroup(
  'governance',
  'Governance decisions of a running ERE: show what a proposal or operation will do.',
  [governanceShow],
);
