// The `chains[].canary` section: a real transaction sent on the chain every `interval`, by default a 0-value
// transfer to the canary's own address, signed locally with a key that never leaves the process, so that
// an endpoint that accepts transactions and never propagates them, or a chain that stops including them,
// is seen as users see it.

import { z } from 'zod';
import { address, duration } from '../../../domain/fields.js';

const gwei = (what: string) =>
  z.number().positive().max(1_000_000).describe(`${what}, in gwei (decimals allowed: 0.5 is 500,000,000 wei).`);

export const canarySchema = z.strictObject({
  privateKey: z
    .string()
    .regex(/^0x[0-9a-fA-F]{64}$/, 'must be a private key: 0x followed by 64 hex digits')
    .describe(
      'The key that signs the canary transactions, given as `${CANARY_KEY}` from the environment: a key ' +
        'of its own, funded for the gas and used by nothing else (its nonces are the canary’s). A secret: ' +
        'it never appears in logs, errors, metrics or the API, which show its address.',
    ),
  interval: duration('5m', { min: 1_000, max: 86_400_000 }).describe('Time between two canary transactions.'),
  to: address
    .optional()
    .describe('Where the 0-value transfer goes; the canary’s own address when absent (a self-transfer).'),
  via: z
    .enum(['each', 'all'])
    .default('each')
    .describe(
      '`each` sends each transaction through one endpoint, the next one in turn, so that each endpoint’s ' +
        'acceptance and propagation is measured; `all` sends every transaction through every endpoint.',
    ),
  endpoints: z
    .array(z.string())
    .min(1)
    .optional()
    .describe(
      'The ids of the endpoints the canary is sent through; all of the chain’s when absent. Every endpoint ' +
        'is asked for the receipt either way.',
    ),
  gas: z
    .number()
    .int()
    .min(21_000)
    .max(1_000_000)
    .default(21_000)
    .describe('The gas limit: 21,000 for a transfer to an account without code.'),
  maxFeePerGas: gwei('The cap on the fee per gas: a first send or a replacement never offers more'),
  maxPriorityFeePerGas: gwei('The tip per gas offered first (within the cap)').default(1),
  timeout: duration('2m', { min: 1_000, max: 86_400_000 }).describe(
    'How long a transaction may go without inclusion: then it is counted as not included (or dropped, ' +
      'when no endpoint knows it) and replaced at a higher fee, with the same nonce, while the cap allows.',
  ),
  includedWithin: duration('1m', { min: 1_000, max: 86_400_000 }).describe(
    'A transaction included within this long of its sending is a good event of the `tx_inclusion` SLI.',
  ),
  watchInterval: duration('1s', { min: 100, max: 60_000 }).describe(
    'How often a transaction in flight is looked for: each endpoint is asked its receipt, which times ' +
      'inclusion and propagation to this resolution.',
  ),
  minBalance: z
    .number()
    .nonnegative()
    .default(0.01)
    .describe('Below this balance, in ether, the canary’s address raises `CanaryBalanceLow`.'),
});

export type CanaryConfig = z.output<typeof canarySchema>;
