// The `simulation:` section: whether governance decisions are simulated on a fork before they run, when
// once more before their ETA, and how long a simulation may take.

import { z } from 'zod';
import { duration } from '../../domain/fields.js';

export const simulationSchema = z
  .strictObject({
    enabled: z
      .boolean()
      .default(true)
      .describe(
        'Simulate every pending proposal and timelock operation on a fork of its chain (anvil, through a ' +
          "loopback proxy to the chain's healthiest endpoint) and check it against its target's policy.",
      ),
    beforeEta: duration('1h', { min: 0, max: 30 * 86_400_000 }).describe(
      'A decision is simulated once more this long before its ETA: chain state moves between queue and execution.',
    ),
    timeout: duration('60s', { min: 1_000, max: 3_600_000 }).describe(
      'The longest one simulation may take once its fork is up (a fork has 30 s to start); past it the fork ' +
        'is stopped and the simulation retried with backoff.',
    ),
    retention: duration('90d', { min: 86_400_000, max: 3_650 * 86_400_000 }).describe(
      'How long each simulation run is kept (governance_verifications); a decision still to run keeps its newest.',
    ),
    interval: duration('15s', { min: 100, max: 3_600_000 }).describe(
      'How often decisions due for a simulation are looked for.',
    ),
  })
  .prefault({})
  .describe('Simulation of governance decisions before they execute.');
