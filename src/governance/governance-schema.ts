// The `governance:` section: the contracts watched on each chain (governors, timelocks, Safes, EIP-1967
// proxies), each with its address, label (`id`), start block and confirmation depth, and its kind's own
// settings.

import { getAddress, isAddress, type Address } from 'viem';
import { z } from 'zod';
import type { GovernanceTarget } from '../domain/governance.js';
import { duration, id, labels } from '../domain/fields.js';

const day = 86_400_000;

/**
 * A 20-byte address. Mixed case is an EIP-55 checksum and must be right: a typo in one digit of a checksummed
 * address would otherwise watch another contract. All lower (or all upper) case carries no checksum.
 */
export const address = z.string().transform((value, ctx): Address => {
  if (!isAddress(value, { strict: false })) {
    ctx.addIssue({ code: 'custom', message: 'must be a 20-byte hex address (0x followed by 40 hex digits)' });
    return z.NEVER;
  }
  const checksummed = getAddress(value);
  const digits = value.slice(2);
  const mixedCase = digits !== digits.toLowerCase() && digits !== digits.toUpperCase();
  if (mixedCase && value !== checksummed) {
    ctx.addIssue({
      code: 'custom',
      message:
        `has a wrong EIP-55 checksum: the checksummed form of these digits is ` +
        `${checksummed} (check the address itself, or write it in lower case)`,
    });
    return z.NEVER;
  }
  return checksummed;
});

/** The same for every kind: the reference lists `kind` once, with the first kind's description. */
const kindText =
  'What the contract is: `governor` (an OpenZeppelin Governor, or Compound ' +
  'GovernorBravo), `timelock` (an OpenZeppelin TimelockController, or Compound Timelock), ' +
  '`safe` (a Safe multisig, 1.3.0 to 1.5.0) or `proxy` (an EIP-1967 proxy).';

const common = {
  id: id.describe(
    "The target's label, unique across chains: the `target` label of metrics and alerts, and the API's `:target`.",
  ),
  chain: id.describe(
    'The chain the contract is on; reads go through its RPC endpoints, ' +
      'healthy ones first, failing over when one is down.',
  ),
  address: address.describe(
    "The contract's address: mixed case must be a valid EIP-55 " +
      'checksum, all lower case is accepted; checksummed on load.',
  ),
  startBlock: z
    .number()
    .int()
    .nonnegative()
    .describe(
      "The first block ingested: the contract's deployment block, or a recent one (history before it is not seen).",
    ),
  confirmations: z
    .number()
    .int()
    .min(0)
    .max(1_000)
    .default(12)
    .describe('Blocks behind the head that count as final: only blocks at or below head − confirmations are ingested.'),
  pollInterval: duration('30s', { min: 100, max: day }).describe(
    'How often ingestion runs; a run goes on until caught up, for 10 s at most.',
  ),
  maxBlockRange: z
    .number()
    .int()
    .min(1)
    .max(1_000_000)
    .default(2_000)
    .describe(
      'The largest `eth_getLogs` block range; halved when a provider refuses a range or times ' +
        'out, grown again after quick answers, and kept below the smallest refused size.',
    ),
  labels: labels.describe("Labels added to the target's alerts."),
};

const governor = z.strictObject({
  kind: z.literal('governor').describe(kindText),
  ...common,
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
});

const timelock = z.strictObject({
  kind: z.literal('timelock').describe(kindText),
  ...common,
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
});

const safe = z.strictObject({
  kind: z.literal('safe').describe(kindText),
  ...common,
  minThreshold: z
    .number()
    .int()
    .min(1)
    .optional()
    .describe(
      'Threshold policy: a threshold below this many signatures violates it ' +
        '(SafeThresholdPolicyViolated). With `minThresholdRatio` too, ' +
        'the stricter wins; no policy when neither is set.',
    ),
  minThresholdRatio: z
    .number()
    .gt(0)
    .max(1)
    .optional()
    .describe(
      'Threshold policy as a share of the owners: a threshold below ⌈ratio × owners⌉ violates it ' +
        '(SafeThresholdPolicyViolated). With `minThreshold` too, the stricter wins.',
    ),
});

const proxy = z.strictObject({ kind: z.literal('proxy').describe(kindText), ...common });

export const governanceTargetSchema = z.discriminatedUnion('kind', [governor, timelock, safe, proxy]);
export const governanceSchema = z.array(governanceTargetSchema).default([]);

export type GovernanceTargetConfig = z.output<typeof governanceTargetSchema>;

/** Target ids are unique and name chains that exist. */
export function checkGovernanceReferences(
  config: {
    chains: { id: string; rpc: unknown[] }[];
    governance: GovernanceTargetConfig[];
    slos: { sli: { kind: string; chain: string; targets?: unknown } }[];
  },
  problem: (path: (string | number)[], message: string) => void,
): void {
  const ids = new Set<string>();
  const addresses = new Map<string, string>();
  config.governance.forEach((target, index) => {
    if (ids.has(target.id)) problem(['governance', index, 'id'], `duplicate governance target id "${target.id}"`);
    ids.add(target.id);
    const chain = config.chains.find((candidate) => candidate.id === target.chain);
    if (!chain) problem(['governance', index, 'chain'], `no chain "${target.chain}"`);
    else if (chain.rpc.length === 0)
      problem(
        ['governance', index, 'chain'],
        `chain "${target.chain}" has no RPC endpoints (chains[].rpc) to read the contract through`,
      );
    const key = `${target.chain}/${target.kind}/${target.address}`;
    const other = addresses.get(key);
    if (other !== undefined)
      problem(['governance', index, 'address'], `the same ${target.kind} is already watched as "${other}"`);
    addresses.set(key, target.id);
  });
  // Governance SLIs count the proposals of governors on their chain.
  config.slos.forEach((slo, index) => {
    if (!slo.sli.kind.startsWith('governance_')) return;
    const governors = config.governance.filter(
      (target) => target.kind === 'governor' && target.chain === slo.sli.chain,
    );
    if (governors.length === 0)
      problem(['slos', index, 'sli', 'chain'], `no governor is watched on chain "${slo.sli.chain}" (governance:)`);
    const targets = Array.isArray(slo.sli.targets) ? (slo.sli.targets as string[]) : [];
    targets.forEach((target, targetIndex) => {
      if (!governors.some((governor) => governor.id === target))
        problem(['slos', index, 'sli', 'targets', targetIndex], `no governor "${target}" on chain "${slo.sli.chain}"`);
    });
  });
}

export function resolveGovernanceTarget(target: GovernanceTargetConfig): GovernanceTarget {
  const base = {
    id: target.id,
    chain: target.chain,
    address: target.address,
    startBlock: target.startBlock,
    confirmations: target.confirmations,
    pollIntervalMs: target.pollInterval,
    maxBlockRange: target.maxBlockRange,
    labels: target.labels,
  };
  switch (target.kind) {
    case 'governor':
      return {
        ...base,
        kind: 'governor',
        settings: {
          flavor: target.flavor,
          token: target.token,
          executionGraceMs: target.executionGrace,
          quorumRiskWindowMs: target.quorumRiskWindow,
          topDelegates: target.topDelegates,
        },
      };
    case 'timelock':
      return {
        ...base,
        kind: 'timelock',
        settings: { flavor: target.flavor, executionGraceMs: target.executionGrace },
      };
    case 'safe':
      return {
        ...base,
        kind: 'safe',
        settings: { minThreshold: target.minThreshold, minThresholdRatio: target.minThresholdRatio },
      };
    case 'proxy':
      return { ...base, kind: 'proxy', settings: {} };
  }
}
