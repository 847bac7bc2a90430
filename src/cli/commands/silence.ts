// `ere silence <subcommand>`: silences on a running ERE, through its API. Each subcommand is one file.

import { commandGroup } from '../command.js';
import { silenceAdd } from './silence-add.js';
import { silenceExpire } from './silence-expire.js';
import { silenceList } from './silence-list.js';

export const silence = commandGroup(
  'silence',
  'Silences on a running ERE: add, list, expire (needs the API token to change them).',
  [silenceAdd, silenceList, silenceExpire],
);
