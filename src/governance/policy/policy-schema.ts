// A target's policy in the config (`governance[].policy`): what its decisions may do without being flagged.
// Every list is empty by default, so that by default every delegatecall, proxy upgrade and new Safe owner is
// flagged, as a security council would want until it says what it trusts.

import type { Address, Hex } from 'viem';
import { z } from 'zod';
import { address } from '../../domain/fields.js';
import { type DecisionPolicy, findingChecks } from './findings.js';

const codeHash = z
  .string()
  .regex(/^0x[0-9a-fA-F]{64}$/, 'must be a 32-byte code hash (0x followed by 64 hex digits)')
  .transform((value) => value.toLowerCase() as Hex);

export const policySchema = z
  .strictObject({
    delegatecallAllowlist: z
      .array(address)
      .default([])
      .describe(
        'Contracts a delegatecall of the treasury or the Safe may run (a MultiSend you trust); others are flagged.',
      ),
    implementationAllowlist: z
      .array(codeHash)
      .default([])
      .describe('Code hashes (keccak256 of the runtime code) a proxy may be pointed at; others are flagged.'),
    ownerAllowlist: z
      .array(address)
      .default([])
      .describe('Accounts that may be added as Safe owners; others are flagged.'),
    outflowLimits: z
      .array(
        z.strictObject({
          token: z.union([z.literal('ETH'), address]).describe('`ETH`, or the address of an ERC20 token.'),
          max: z
            .string()
            .regex(/^\d+$/, 'must be a whole number of base units (wei), as a string')
            .transform((value) => BigInt(value))
            .describe('The most one decision may move out of the treasury, in base units (wei), as a string.'),
        }),
      )
      .default([])
      .describe('Limits on what one decision moves out of the treasury (the timelock, the Safe).'),
    ignore: z.array(z.enum(findingChecks)).default([]).describe('Checks left out for this target.'),
  })
  .prefault({})
  .describe(
    "What the target's decisions may do without a finding, once simulated: by default every delegatecall, " +
      'proxy upgrade and new Safe owner is flagged, and outflows are not limited.',
  );

export function decisionPolicy(config: z.output<typeof policySchema>): DecisionPolicy {
  return {
    delegatecallAllowlist: config.delegatecallAllowlist as Address[],
    implementationAllowlist: config.implementationAllowlist,
    ownerAllowlist: config.ownerAllowlist as Address[],
    outflowLimits: config.outflowLimits.map((limit) => ({ token: limit.token as 'ETH' | Address, max: limit.max })),
    ignore: config.ignore,
  };
}
