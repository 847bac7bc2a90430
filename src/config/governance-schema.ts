// The `governance:` section: the contracts watched on each chain (governors, timelocks, Safes, EIP-1967
// proxies), each with its address, label (`id`), start block and confirmation depth, and its kind's own
// settings.

import { getAddress, isAddress, type Address } from 'viem';
import { z } from 'zod';
import type { GovernanceTarget } from '../domain/governance.js';
import { duration, id, labels } from './fields.js';

const day = 86_400_000;

const address = z.string().transform((value, ctx): Address => {
  if (!isAddress(value, { strict: false })) {
    ctx.addIssue({ code: 'custom', message: 'must be a 20-byte hex address (0x followed by 40 hex digits)' });
    return z.NEVER;
  }
  return getAddress(value);
});

const common = {
  id,
  chain: id,
  address,
  /** The block to start ingesting from: the contract's deployment block, or a recent one. */
  startBlock: z.number().int().nonnegative(),
  confirmations: z.number().int().min(0).max(1_000).default(12),
  pollInterval: duration('30s', { min: 100, max: day }),
  maxBlockRange: z.number().int().min(1).max(1_000_000).default(2_000),
  labels,
};

const governor = z.strictObject({
  kind: z.literal('governor'),
  ...common,
  flavor: z.enum(['openzeppelin', 'bravo']).default('openzeppelin'),
  token: address.optional(),
  executionGrace: duration('2d', { min: 0, max: 365 * day }),
  quorumRiskWindow: duration('1d', { min: 0, max: 365 * day }),
  topDelegates: z.number().int().min(1).max(1_000).default(10),
});

const timelock = z.strictObject({
  kind: z.literal('timelock'),
  ...common,
  flavor: z.enum(['openzeppelin', 'compound']).default('openzeppelin'),
  executionGrace: duration('2d', { min: 0, max: 365 * day }),
});

const safe = z.strictObject({
  kind: z.literal('safe'),
  ...common,
  minThreshold: z.number().int().min(1).optional(),
  minThresholdRatio: z.number().gt(0).max(1).optional(),
});

const proxy = z.strictObject({ kind: z.literal('proxy'), ...common });

export const governanceTargetSchema = z.discriminatedUnion('kind', [governor, timelock, safe, proxy]);
export const governanceSchema = z.array(governanceTargetSchema).default([]);

export type GovernanceTargetConfig = z.output<typeof governanceTargetSchema>;

/** Target ids are unique and name chains that exist. */
export function checkGovernanceReferences(
  config: { chains: { id: string }[]; governance: GovernanceTargetConfig[]; slos: { sli: { kind: string; chain: string; targets?: unknown } }[] },
  problem: (path: (string | number)[], message: string) => void,
): void {
  const ids = new Set<string>();
  const addresses = new Map<string, string>();
  config.governance.forEach((target, index) => {
    if (ids.has(target.id)) problem(['governance', index, 'id'], `duplicate governance target id "${target.id}"`);
    ids.add(target.id);
    if (!config.chains.some((chain) => chain.id === target.chain)) problem(['governance', index, 'chain'], `no chain "${target.chain}"`);
    const key = `${target.chain}/${target.kind}/${target.address}`;
    const other = addresses.get(key);
    if (other !== undefined) problem(['governance', index, 'address'], `the same ${target.kind} is already watched as "${other}"`);
    addresses.set(key, target.id);
  });
  // Governance SLIs count the proposals of governors on their chain.
  config.slos.forEach((slo, index) => {
    if (!slo.sli.kind.startsWith('governance_')) return;
    const governors = config.governance.filter((target) => target.kind === 'governor' && target.chain === slo.sli.chain);
    if (governors.length === 0) problem(['slos', index, 'sli', 'chain'], `no governor is watched on chain "${slo.sli.chain}" (governance:)`);
    const targets = Array.isArray(slo.sli.targets) ? (slo.sli.targets as string[]) : [];
    targets.forEach((target, targetIndex) => {
      if (!governors.some((governor) => governor.id === target)) problem(['slos', index, 'sli', 'targets', targetIndex], `no governor "${target}" on chain "${slo.sli.chain}"`);
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
        settings: { flavor: target.flavor, token: target.token, executionGraceMs: target.executionGrace, quorumRiskWindowMs: target.quorumRiskWindow, topDelegates: target.topDelegates },
      };
    case 'timelock':
      return { ...base, kind: 'timelock', settings: { flavor: target.flavor, executionGraceMs: target.executionGrace } };
    case 'safe':
      return { ...base, kind: 'safe', settings: { minThreshold: target.minThreshold, minThresholdRatio: target.minThresholdRatio } };
    case 'proxy':
      return { ...base, kind: 'proxy', settings: {} };
  }
}
