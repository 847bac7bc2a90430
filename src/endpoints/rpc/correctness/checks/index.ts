// Every data check, in one explicit list. A new check is one file and one line here.

import type { CorrectnessCheckKind } from '../check.js';
import { blockAgreement } from './block-agreement.js';
import { logsCompleteness } from './logs.js';
import { stateAgreement } from './state.js';
import { transactionByHash } from './transaction.js';

export const correctnessCheckKinds: readonly CorrectnessCheckKind[] = [
  blockAgreement,
  logsCompleteness,
  stateAgreement,
  transactionByHash,
];
