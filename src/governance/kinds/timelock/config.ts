// The timelock kind's own keys in a `governance:` entry, and the settings its model reads from them.

import { z } from 'zod';
import { duration } from '../../../domain/fields.js';
import { governanceKindConfig } from '../kind.js';

const day = 86_400_000;

export interface TimelockSettings {
  flavor: 'openzeppelin' | 'compound';
  /** An operation ready for longer than this without being executed is overdue. */
  executionGraceMs: number;
}

export const timelockConfig = governanceKindConfig({
  description: 'an OpenZeppelin TimelockController, or Compound Timelock',
  fields: {
    flavor: z
      .enum(['openzeppelin', 'compound'])
      .default('openzeppelin')
      .describe(
        "`openzeppelin` for an OpenZeppelin TimelockController; `compound` for Compound's " +
          'Timelock (QueueTransaction, ExecuteTransaction and CancelTransaction events).',
      ),
    executionGrace: duration('2d', { min: 0, max: 365 * day }).describe(
      'An operation ready for longer than this without being executed is overdue (TimelockOperationOverdue).',
    ),
  },
  settings: (config): TimelockSettings => ({ flavor: config.flavor, executionGraceMs: config.executionGrace }),
});
