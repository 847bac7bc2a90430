// The `governance:` section: the contracts watched on each chain, each with its address, label (`id`), start
// block and confirmation depth, the same for every kind, and its kind's own keys (`config` of each kind in
// `kinds/index.ts`: governors, timelocks, Safes, EIP-1967 proxies).

import { z } from 'zod';
import type { GovernanceTarget } from '../domain/governance.js';
import { address, duration, id, labels } from '../domain/fields.js';
import { governanceKind, governanceKinds } from './kinds/index.js';
import { policySchema } from './policy/policy-schema.js';

const day = 86_400_000;

/** The same for every kind: the reference lists `kind` once, with the first kind's description. */
const kindText = `What the contract is: ${governanceKinds
  .map((kind) => `\`${kind.name}\` (${kind.config.description})`)
  .join(', ')
  .replace(/, ([^,]*)$/, ' or $1')}.`;

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
  policy: policySchema,
};

const kindSchemas = governanceKinds.map((kind) =>
  z.strictObject({ kind: z.literal(kind.name).describe(kindText), ...common, ...kind.config.fields }),
);

export const governanceTargetSchema = z.discriminatedUnion(
  'kind',
  kindSchemas as unknown as [(typeof kindSchemas)[number], ...(typeof kindSchemas)[number][]],
);
export const governanceSchema = z.array(governanceTargetSchema).default([]);

export type GovernanceTargetConfig = z.output<typeof governanceTargetSchema>;

/** Target ids are unique and name chains that exist. */
export function checkGovernanceReferences(
  config: {
    chains: { id: string; rpc: unknown[] }[];
    governance: GovernanceTargetConfig[];
    abis?: { chain?: string | undefined }[];
    slos: { sli: { kind: string; chain: string; targets?: unknown } }[];
    simulation?: { enabled: boolean };
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
    // Contract watches of one address may differ in their matchers; any other kind is watched once.
    const key = `${target.chain}/${target.kind}/${target.address}`;
    const other = target.kind === 'contract' ? undefined : addresses.get(key);
    if (other !== undefined)
      problem(['governance', index, 'address'], `the same ${target.kind} is already watched as "${other}"`);
    addresses.set(key, target.id);
  });
  config.abis?.forEach((abi, index) => {
    if (abi.chain !== undefined && !config.chains.some((chain) => chain.id === abi.chain))
      problem(['abis', index, 'chain'], `no chain "${abi.chain}"`);
  });
  // Governance SLIs count the proposals of governors on their chain; verification, timelocks' operations too.
  config.slos.forEach((slo, index) => {
    if (!slo.sli.kind.startsWith('governance_')) return;
    const kinds = slo.sli.kind === 'governance_verification' ? ['governor', 'timelock'] : ['governor'];
    if (slo.sli.kind === 'governance_verification' && config.simulation?.enabled === false)
      problem(
        ['slos', index, 'sli', 'kind'],
        'governance_verification counts simulations: simulation.enabled is false',
      );
    const what = kinds.join(' or ');
    const counted = config.governance.filter((target) => kinds.includes(target.kind) && target.chain === slo.sli.chain);
    if (counted.length === 0)
      problem(['slos', index, 'sli', 'chain'], `no ${what} is watched on chain "${slo.sli.chain}" (governance:)`);
    const targets = Array.isArray(slo.sli.targets) ? (slo.sli.targets as string[]) : [];
    targets.forEach((target, targetIndex) => {
      if (!counted.some((each) => each.id === target))
        problem(['slos', index, 'sli', 'targets', targetIndex], `no ${what} "${target}" on chain "${slo.sli.chain}"`);
    });
  });
}

export function resolveGovernanceTarget(target: GovernanceTargetConfig): GovernanceTarget {
  return {
    id: target.id,
    chain: target.chain,
    address: target.address,
    startBlock: target.startBlock,
    confirmations: target.confirmations,
    pollIntervalMs: target.pollInterval,
    maxBlockRange: target.maxBlockRange,
    labels: target.labels,
    kind: target.kind,
    settings: governanceKind(target.kind).config.settings(target),
  };
}
