// `ere governance <subcommand>`: governance decisions of a running ERE, through its API.

import { commandGroup } from '../command.js';
import { governanceShow } from './governance-show.js';
import { governanceTestMatch } from './governance-test-match.js';

export const governance = commandGroup(
  'governance',
  'Governance: show what a proposal or operation will do; try a contract watch on history.',
  [governanceShow, governanceTestMatch],
);
