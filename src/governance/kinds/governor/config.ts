// The governor kind's own keys in a `governance:` entry, and the settings its model reads from them.

import type { Address } from 'viem';
import { z } from 'zod';
import { address, duration } from '../../../domain/fields.js';
import { governanceKindConfig } from '../kind.js';

const day = 86_400_000;

export interface GovernorSettings {
  flavor: 'openzeppelin' | 'bravo';
  /** The votes token whose DelegateVotesChanged events give voting power; read from `token()` when absent. */
  token: Address | undefined;
  /** A succeeded proposal not executed this long after it became executable is overdue. */
  executionGraceMs: number;
  /** An active proposal below quorum this close to its deadline is at risk. */
  quorumRiskWindowMs: number;
  /** Voting power concentration: the share held by this many top delegates. */
  topDelegates: number;
}

export const governorConfig = governanceKindConfig({
  description: 'an OpenZeppelin Governor, or Compound GovernorBravo',
  fields: {
    flavor: z
      .enum(['openzeppelin', 'bravo'])
      .default('openzeppelin')
      .describe(
        "`openzeppelin` for an OpenZeppelin Governor; `bravo` for Compound's " +
          'GovernorBravo (quorum from `quorumVotes()`, counting for votes only).',
      ),
    token: address
      .optional()
      .describe(
        'The votes token whose `DelegateVotesChanged` events give voting ' +
          'power; read from `token()` (`comp()` for Bravo) when absent.',
      ),
    executionGrace: duration('2d', { min: 0, max: 365 * day }).describe(
      'A passed proposal not executed this long after it became executable is overdue ' +
        '(GovernanceExecutionOverdue); also the bound of the `governance_execution` SLI.',
    ),
    quorumRiskWindow: duration('1d', { min: 0, max: 365 * day }).describe(
      'An active proposal below quorum this close to its voting deadline is at risk (GovernanceQuorumAtRisk).',
    ),
    topDelegates: z
      .number()
      .int()
      .min(1)
      .max(1_000)
      .default(10)
      .describe(
        'Voting power concentration: `ere_governance_voting_power_top_share_ratio` is ' +
          'the share of delegated votes held by this many largest delegates.',
      ),
  },
  settings: (config): GovernorSettings => ({
    flavor: config.flavor,
    token: config.token,
    executionGraceMs: config.executionGrace,
    quorumRiskWindowMs: config.quorumRiskWindow,
    topDelegates: config.topDelegates,
  }),
});
