// The `chains[].correctness` section: which data checks ERE runs against a chain's RPC endpoints, how often,
// and how deep below the consensus head, so that honest endpoints in a reorg are never asked about blocks
// that may still change. Block agreement and transaction lookups are on by default (a call or two per
// endpoint per interval); the logs check is on over a short range; state checks run only when configured.

import { z } from 'zod';
import { address, duration } from '../../../domain/fields.js';

const depth = (defaultDepth: number) =>
  z
    .number()
    .int()
    .nonnegative()
    .max(10_000)
    .default(defaultDepth)
    .describe('Blocks below the consensus head at which the check reads: only blocks at least this deep.');

const hexData = z
  .string()
  .regex(/^0x([0-9a-fA-F]{2})*$/, 'must be hex bytes, 0x followed by an even number of hex digits')
  .transform((value) => value.toLowerCase() as `0x${string}`);

export const stateCallSchema = z.strictObject({
  name: z
    .string()
    .regex(/^[a-zA-Z0-9_.-]{1,40}$/, 'must be 1-40 characters of letters, digits, "_", "." or "-"')
    .describe('A name for the call, shown in findings: `usdc.totalSupply`.'),
  to: address.describe('The contract called.'),
  data: hexData.describe('The calldata: `0x18160ddd` is `totalSupply()`.'),
});

export const correctnessSchema = z
  .strictObject({
    enabled: z
      .boolean()
      .default(false)
      .describe("true runs the chain's data checks: those of the sections below that are on."),
    for: duration('5m', { min: 0, max: 86_400_000 }).describe(
      'How long an endpoint stays unhealthy after its last disagreement: a disagreement at one check holds ' +
        'until this long has passed without another.',
    ),
    blocks: z
      .strictObject({
        enabled: z.boolean().default(true).describe('false turns block agreement off.'),
        interval: duration('1m', { min: 200, max: 86_400_000 }).describe(
          'One round of block agreement: every endpoint is asked, in its next probes, its block at the ' +
            "round's height and its `finalized` and `safe` blocks; the round is judged at its end. At " +
            'least two poll intervals, so that every endpoint is probed within it.',
        ),
        depth: depth(5),
        tags: z
          .boolean()
          .default(true)
          .describe(
            'Check the `finalized` and `safe` blocks too. A chain whose endpoints know no such tag skips it, visibly.',
          ),
        tagLagBlocks: z
          .number()
          .int()
          .nonnegative()
          .default(64)
          .describe(
            'A `finalized` or `safe` block this many blocks behind the one most endpoints report is stale: ' +
              'two epochs of 32 slots on Ethereum.',
          ),
      })
      .prefault({})
      .describe('Block agreement: the hash of a common block, and the `finalized` and `safe` tags, across endpoints.'),
    logs: z
      .strictObject({
        enabled: z.boolean().default(true).describe('false turns the logs check off.'),
        interval: duration('5m', { min: 200, max: 86_400_000 }).describe('Time between two runs of the check.'),
        depth: depth(10),
        blocks: z.number().int().positive().max(100).default(2).describe('Blocks of the range read each time.'),
        addresses: z
          .array(address)
          .max(100)
          .default([])
          .describe('Read only these contracts’ logs; every log of the range when empty.'),
        receipts: z
          .boolean()
          .default(true)
          .describe(
            'Check every endpoint’s logs against its own `eth_getBlockReceipts` and its blocks’ `logsBloom`, ' +
              'where it serves them.',
          ),
      })
      .prefault({})
      .describe('Logs completeness: `eth_getLogs` compared across endpoints, and against receipts and blooms.'),
    state: z
      .strictObject({
        interval: duration('5m', { min: 200, max: 86_400_000 }).describe('Time between two runs of the check.'),
        depth: depth(10),
        calls: z.array(stateCallSchema).max(50).default([]).describe('`eth_call`s compared across endpoints.'),
        balances: z
          .array(address)
          .max(50)
          .default([])
          .describe('Accounts whose `eth_getBalance` is compared across endpoints.'),
      })
      .prefault({})
      .describe('State agreement, at one block: runs only when it names calls or accounts.'),
    transactions: z
      .strictObject({
        enabled: z.boolean().default(true).describe('false turns the transaction check off.'),
        interval: duration('5m', { min: 200, max: 86_400_000 }).describe('Time between two runs of the check.'),
        depth: depth(10),
      })
      .prefault({})
      .describe(
        'Transaction by hash: a transaction of an agreed block must be found by every endpoint, with the same receipt.',
      ),
  })
  .prefault({});

export type CorrectnessConfig = z.output<typeof correctnessSchema>;
