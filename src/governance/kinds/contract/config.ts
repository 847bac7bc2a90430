// The contract kind's own keys in a `governance:` entry: its matchers (events by signature, calls by
// function, each with an optional `where`) and how calls are found. Each matcher is resolved and checked as
// the config loads, so that a typo is a problem at its path.

import { z } from 'zod';
import { governanceKindConfig } from '../kind.js';
import { resolveMatcher, type ResolvedMatcher } from './matchers.js';

export interface ContractSettings {
  matchers: ResolvedMatcher[];
  /** How calls to the contract are found: in the blocks' transactions, or in their call traces. */
  calls: 'transactions' | 'traces';
}

const matcherSchema = z
  .strictObject({
    name: z
      .string()
      .regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'must be 1-63 lower-case letters, digits, "_" or "-"')
      .describe('The matcher’s name: the `matcher` label of its alerts and metrics.'),
    event: z
      .string()
      .min(3)
      .optional()
      .describe(
        'The event it selects: by types (`Transfer(address,address,uint256)`), from the standard ABIs ERE ' +
          'ships, or declared with names (`Deposit(address indexed owner, uint256 assets)`).',
      ),
    function: z
      .string()
      .min(3)
      .optional()
      .describe('The function it selects calls to, by types from the standard ABIs or declared with names.'),
    where: z
      .string()
      .min(1)
      .optional()
      .describe(
        'Conditions on the decoded arguments: `value > 1e24 and to != 0x…`; `==`, `!=`, `>`, `>=`, `<`, `<=`, ' +
          '`and`, `or`, parentheses; whole numbers (`1e24`, `1.5e18`), hex values, quoted strings, true, false.',
      ),
  })
  .superRefine((matcher, ctx) => {
    if ((matcher.event === undefined) === (matcher.function === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'give either `event` or `function`' });
      return;
    }
    const resolved = resolveMatcher(matcher);
    if ('problems' in resolved)
      for (const problem of resolved.problems)
        ctx.addIssue({ code: 'custom', path: [problem.key], message: problem.message });
  });

export const contractConfig = governanceKindConfig({
  description: 'any contract, watched for the events and calls its matchers select',
  fields: {
    matchers: z
      .array(matcherSchema)
      .min(1)
      .max(50)
      .superRefine((matchers, ctx) => {
        const seen = new Set<string>();
        matchers.forEach((matcher, index) => {
          if (seen.has(matcher.name))
            ctx.addIssue({ code: 'custom', path: [index, 'name'], message: `duplicate matcher "${matcher.name}"` });
          seen.add(matcher.name);
        });
      })
      .describe('What to watch for (contract): each match is an alert (GovernanceContractMatch) with its arguments.'),
    calls: z
      .enum(['transactions', 'traces'])
      .default('transactions')
      .describe(
        'How calls to the contract are found (contract, with function matchers): `transactions`, the calls ' +
          "made by transactions sent to it (its blocks' transactions and receipts); `traces`, every call, internal " +
          'ones too (`debug_traceBlockByNumber`, where the endpoint serves it).',
      ),
  },
  settings: (config): ContractSettings => ({
    matchers: config.matchers.map((matcher) => resolveMatcher(matcher) as ResolvedMatcher),
    calls: config.calls,
  }),
});
