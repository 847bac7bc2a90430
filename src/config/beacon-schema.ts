// The consensus layer in the config: each chain's beacon endpoints (`chains[].beacon`) and the validators
// watched on it (`validators:`), grouped in sets whose labels become the scopes every metric is split by.

import { z } from 'zod';
import type { BeaconConfig } from '../endpoints/beacon/beacon-schema.js';
import { duration, id, labels } from '../domain/fields.js';

const day = 86_400_000;

/** SLI kinds that count validators, whose `scope` must be one of the chain's. */
const validatorSliKinds = ['attestation_effectiveness', 'proposal_success'];

const validatorIndex = z
  .number()
  .int()
  .nonnegative()
  .max(2 ** 40);
const indexRange = z.string().transform((value, ctx): [number, number] => {
  const match = /^(\d+)-(\d+)$/.exec(value.trim());
  const from = Number(match?.[1]);
  const to = Number(match?.[2]);
  if (!match || to < from) {
    ctx.addIssue({ code: 'custom', message: 'must be a validator index or a range such as "1000-1999"' });
    return z.NEVER;
  }
  return [from, to];
});
const pubkey = z
  .string()
  .regex(/^(0x)?[0-9a-fA-F]{96}$/, 'must be a 48-byte BLS public key (96 hex digits)')
  .transform((value) => (value.startsWith('0x') ? value : `0x${value}`).toLowerCase());

/**
 * eth-validator-watcher writes labels as a list of `name:value` strings (`["operator:kiln"]`): taken as the
 * map `{ operator: kiln }`. A list holding anything else is left for the map's own message.
 */
function labelList(value: unknown): unknown {
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string' && /^[^:]+:.+$/.test(item)))
    return value;
  return Object.fromEntries(
    value.map((item: string) => [item.slice(0, item.indexOf(':')).trim(), item.slice(item.indexOf(':') + 1).trim()]),
  );
}

/** Label names that make scopes and the values they take are free text; a scope is `name:value`. */
const scopeLabels = z.preprocess(labelList, labels).superRefine((record, ctx) => {
  for (const [name, value] of Object.entries(record)) {
    if (!/^[a-zA-Z0-9_.-]{1,63}$/.test(value))
      ctx.addIssue({
        code: 'custom',
        path: [name],
        message: 'scope label values are 1-63 characters of letters, digits, "_", "." or "-"',
      });
  }
});

export const validatorSetSchema = z.strictObject({
  chain: id.describe('The chain the validators are on; it needs `beacon` endpoints.'),
  labels: scopeLabels.describe(
    "Each label `name: value` puts the set's validators in the scope `name:value` (a name " +
      'other than `scope`); a validator in several sets gets all their labels on its alerts. ' +
      'eth-validator-watcher\'s list form, `["operator:kiln"]`, is read as the map.',
  ),
  indices: z
    .array(z.union([validatorIndex, indexRange]))
    .default([])
    .describe('Validator indices, and inclusive ranges as strings such as `"1000-1999"`.'),
  pubkeys: z
    .array(pubkey)
    .default([])
    .describe(
      'BLS public keys (`0x` optional); each is watched from the epoch the ' +
        'validator list shows it, and keeps its index across restarts.',
    ),
  perValidatorMetrics: z
    .boolean()
    .default(false)
    .describe(
      "Per-validator series (`ere_validator_detail_*`) for the set's validators too; " +
        'for a small set only, at most `perValidatorLimit` validators in all.',
    ),
});

export const validatorsSchema = z
  .strictObject({
    watch: z
      .array(validatorSetSchema)
      .default([])
      .describe(
        'The watched validators, in sets that need `indices` or `pubkeys`. Each label of a set makes a ' +
          'scope, besides `watched` (every watched validator of the chain) and `network` (the others).',
      ),
    missesRetention: duration('30d', { min: 3_600_000, max: 3_650 * day }).describe(
      "How long each watched validator's misses (attestations, proposals, sync " +
        'committee) and the finalized proposer duties are kept for drill-down.',
    ),
    epochRetention: duration('400d', { min: day, max: 3_650 * day }).describe(
      'How long the per-epoch aggregates of each scope are kept.',
    ),
    backfillEpochs: z
      .number()
      .int()
      .min(0)
      .max(1_000)
      .default(0)
      .describe('Epochs before the head to process on first start; later starts resume after the last epoch stored.'),
    perValidatorLimit: z
      .number()
      .int()
      .min(0)
      .max(1_000)
      .default(100)
      .describe('The most validators with per-validator series, across every set with `perValidatorMetrics`.'),
  })
  .prefault({});

export type ValidatorsConfig = z.output<typeof validatorsSchema>;
export type ValidatorSetConfig = z.output<typeof validatorSetSchema>;

interface ChainWithBeacon {
  id: string;
  beacon?: BeaconConfig | undefined;
}

/**
 * Beacon endpoint ids are unique across chains and apart from RPC endpoint ids; validator sets name chains with a
 * beacon.
 */
export function checkBeaconReferences(
  config: {
    chains: (ChainWithBeacon & { rpc: { id: string }[] })[];
    validators: ValidatorsConfig;
    slos: { sli: { kind: string; chain: string } & Record<string, unknown> }[];
  },
  problem: (path: (string | number)[], message: string) => void,
): void {
  const ids = new Map<string, string>();
  for (const chain of config.chains)
    for (const endpoint of chain.rpc) ids.set(endpoint.id, `an RPC endpoint of chain "${chain.id}"`);
  config.chains.forEach((chain, chainIndex) => {
    chain.beacon?.endpoints.forEach((endpoint, endpointIndex) => {
      const other = ids.get(endpoint.id);
      if (other !== undefined)
        problem(
          ['chains', chainIndex, 'beacon', 'endpoints', endpointIndex, 'id'],
          `duplicate endpoint id "${endpoint.id}" (also ${other}); endpoint ids are unique`,
        );
      ids.set(endpoint.id, `a beacon endpoint of chain "${chain.id}"`);
    });
  });
  let perValidator = 0;
  config.validators.watch.forEach((set, setIndex) => {
    const chain = config.chains.find((candidate) => candidate.id === set.chain);
    if (!chain) problem(['validators', 'watch', setIndex, 'chain'], `no chain "${set.chain}"`);
    else if (!chain.beacon)
      problem(
        ['validators', 'watch', setIndex, 'chain'],
        `chain "${set.chain}" has no beacon endpoints (chains[].beacon)`,
      );
    if (set.indices.length === 0 && set.pubkeys.length === 0)
      problem(['validators', 'watch', setIndex], 'needs indices or pubkeys');
    for (const [name] of Object.entries(set.labels)) {
      if (name === 'scope') problem(['validators', 'watch', setIndex, 'labels', name], '"scope" is reserved');
    }
    if (set.perValidatorMetrics)
      perValidator +=
        set.pubkeys.length +
        set.indices.reduce<number>((sum, entry) => sum + (typeof entry === 'number' ? 1 : entry[1] - entry[0] + 1), 0);
  });
  config.slos.forEach((slo, index) => {
    if (!validatorSliKinds.includes(slo.sli.kind)) return;
    const sets = config.validators.watch.filter((set) => set.chain === slo.sli.chain);
    if (sets.length === 0) {
      problem(
        ['slos', index, 'sli', 'chain'],
        `no validators are watched on chain "${slo.sli.chain}" (validators.watch)`,
      );
      return;
    }
    const scope = typeof slo.sli.scope === 'string' ? slo.sli.scope : 'watched';
    const scopes = new Set([
      'network',
      'watched',
      ...sets.flatMap((set) => Object.entries(set.labels).map(([name, value]) => `${name}:${value}`)),
    ]);
    if (!scopes.has(scope))
      problem(
        ['slos', index, 'sli', 'scope'],
        `no scope "${scope}" on chain "${slo.sli.chain}"; scopes: ${[...scopes].join(', ')}`,
      );
  });
  if (perValidator > config.validators.perValidatorLimit) {
    problem(
      ['validators', 'perValidatorLimit'],
      `${perValidator} validators ask for per-validator metrics, more than the limit of ` +
        `${config.validators.perValidatorLimit}; per-validator series are for a small set`,
    );
  }
}
