// The config file's schema: every key known, every value checked, defaults stated here once.

import { validate as isCronExpression } from 'node-cron';
import { z } from 'zod';
import { alertingSchema, checkAlertingReferences } from './alerting-schema.js';
import { beaconSchema, checkBeaconReferences, validatorsSchema } from './beacon-schema.js';
import { duration, httpUrl, id, labels } from './fields.js';
import { checkGovernanceReferences, governanceSchema } from './governance-schema.js';
import { sloSchema } from './slo-schema.js';

export const rpcEndpointSchema = z.strictObject({
  id,
  url: httpUrl,
  headers: z.record(z.string(), z.string()).default({}),
  labels,
});

export const chainSchema = z.strictObject({
  id,
  chainId: z.number().int().positive(),
  rpc: z.array(rpcEndpointSchema).min(1, 'needs at least one endpoint'),
  pollInterval: duration('15s', { min: 100, max: 3_600_000 }),
  timeout: duration('10s', { min: 100, max: 120_000 }),
  /** An endpoint further behind the consensus head than this is not healthy. */
  maxLagBlocks: z.number().int().nonnegative().default(5),
  /** Samples older than this many poll intervals no longer count towards the consensus head. */
  staleAfterIntervals: z.number().positive().default(3),
  labels,
  /** The chain's consensus layer: Beacon API endpoints, probed like the RPC endpoints. */
  beacon: beaconSchema.optional(),
});

export const configSchema = z
  .strictObject({
    server: z
      .strictObject({
        host: z.string().min(1).default('127.0.0.1'),
        port: z.number().int().min(0).max(65_535).default(9470),
        /** Base URL users reach the service at, used in links. */
        publicUrl: httpUrl.optional(),
        /**
         * Bearer token for the API: always required by the mutating routes (silences, acks), which are off
         * without one; required by the read routes too when `protectReads` is true.
         */
        auth: z.strictObject({ token: z.string().min(16, 'must be at least 16 characters').optional(), protectReads: z.boolean().default(false) }).prefault({}),
      })
      .prefault({}),
    storage: z
      .strictObject({
        path: z.string().min(1).default('ere.db'),
        rawRetention: duration('7d', { min: 60_000, max: 3_650 * 86_400_000 }),
        rollupRetention: duration('400d', { min: 86_400_000, max: 3_650 * 86_400_000 }),
        /** Per-minute SLO evaluations (burn-down history); reports read the rollups, not these. */
        sloStatusRetention: duration('35d', { min: 86_400_000, max: 3_650 * 86_400_000 }),
        /** Cron expression (node-cron) for the retention job. */
        retentionSchedule: z.string().refine(isCronExpression, 'must be a cron expression such as "17 * * * *"').default('17 * * * *'),
        flushInterval: duration('1s', { min: 10, max: 60_000 }),
        /** Scheduled online backups of the database, on when the section is present. */
        backup: z
          .strictObject({
            /** Cron expression (node-cron; six fields for seconds) for taking a backup. */
            schedule: z.string().refine(isCronExpression, 'must be a cron expression such as "0 3 * * *"'),
            /** Directory the backups are written to, created if missing; relative paths from the working directory, like `path`. */
            dir: z.string().min(1),
            /** Backups kept in `dir`; the oldest of those ERE wrote are deleted first. */
            keep: z.number().int().min(1).max(10_000).default(7),
          })
          .optional(),
      })
      .prefault({}),
    log: z
      .strictObject({
        level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
      })
      .prefault({}),
    chains: z.array(chainSchema).min(1, 'needs at least one chain'),
    slos: z.array(sloSchema).default([]),
    /** OpenSLO v1 files (relative to the config file) whose SLOs the loader appends to `slos`. */
    opensloFiles: z.array(z.string().min(1)).default([]),
    /** Governors, timelocks, Safes and proxies watched on the chains. */
    governance: governanceSchema,
    /** Validators watched through the chains' beacon endpoints, in labelled sets. */
    validators: validatorsSchema,
    alerting: alertingSchema,
  })
  .superRefine((config, ctx) => {
    const chainIds = new Set<string>();
    const endpointIds = new Map<string, string>();
    config.chains.forEach((chain, chainIndex) => {
      if (chainIds.has(chain.id)) ctx.addIssue({ code: 'custom', path: ['chains', chainIndex, 'id'], message: `duplicate chain id "${chain.id}"` });
      chainIds.add(chain.id);
      chain.rpc.forEach((endpoint, endpointIndex) => {
        const other = endpointIds.get(endpoint.id);
        if (other !== undefined) {
          ctx.addIssue({
            code: 'custom',
            path: ['chains', chainIndex, 'rpc', endpointIndex, 'id'],
            message: `duplicate endpoint id "${endpoint.id}" (also on chain "${other}"); endpoint ids are unique across chains`,
          });
        }
        endpointIds.set(endpoint.id, chain.id);
      });
      if (chain.timeout > chain.pollInterval) {
        ctx.addIssue({ code: 'custom', path: ['chains', chainIndex, 'timeout'], message: 'must not be longer than pollInterval' });
      }
    });
    checkSloReferences(config, (path, message) => ctx.addIssue({ code: 'custom', path, message }));
    checkAlertingReferences(config, (path, message) => ctx.addIssue({ code: 'custom', path, message }));
    checkGovernanceReferences(config, (path, message) => ctx.addIssue({ code: 'custom', path, message }));
    checkBeaconReferences(config, (path, message) => ctx.addIssue({ code: 'custom', path, message }));
  });

/** SLO ids are unique and their SLIs select endpoints that exist. */
export function checkSloReferences(
  config: { chains: { id: string; rpc: { id: string; labels: Record<string, string> }[]; labels: Record<string, string> }[]; slos: { id: string; sli: { chain: string; endpoints?: string[] | undefined; labels?: Record<string, string> | undefined } }[] },
  problem: (path: (string | number)[], message: string) => void,
): void {
  const ids = new Set<string>();
  config.slos.forEach((slo, index) => {
    if (ids.has(slo.id)) problem(['slos', index, 'id'], `duplicate SLO id "${slo.id}"`);
    ids.add(slo.id);
    const chain = config.chains.find((candidate) => candidate.id === slo.sli.chain);
    if (!chain) return problem(['slos', index, 'sli', 'chain'], `no chain "${slo.sli.chain}"`);
    slo.sli.endpoints?.forEach((endpoint, endpointIndex) => {
      if (!chain.rpc.some((candidate) => candidate.id === endpoint)) problem(['slos', index, 'sli', 'endpoints', endpointIndex], `no endpoint "${endpoint}" on chain "${chain.id}"`);
    });
    if (slo.sli.labels && selectEndpoints(chain, slo.sli).length === 0) problem(['slos', index, 'sli', 'labels'], 'matches no endpoint of the chain');
  });
}

/** The endpoint ids an SLI selects on its chain: the listed ones (or all), those whose labels match. */
export function selectEndpoints(
  chain: { rpc: { id: string; labels: Record<string, string> }[]; labels: Record<string, string> },
  sli: { endpoints?: string[] | undefined; labels?: Record<string, string> | undefined },
): string[] {
  return chain.rpc
    .filter((endpoint) => !sli.endpoints || sli.endpoints.includes(endpoint.id))
    .filter((endpoint) => Object.entries(sli.labels ?? {}).every(([name, value]) => ({ ...chain.labels, ...endpoint.labels })[name] === value))
    .map((endpoint) => endpoint.id);
}

export type Config = z.output<typeof configSchema>;
export type ChainConfig = Config['chains'][number];
export type RpcEndpointConfig = ChainConfig['rpc'][number];
