// The config file's schema: every key known, every value checked, defaults stated here once.

import { validate as isCronExpression } from 'node-cron';
import { z } from 'zod';
import { alertingSchema, checkAlertingReferences } from './alerting-schema.js';
import { chainSchema, defaultProbeTimeoutMs } from '../endpoints/chain-schema.js';
import { checkBeaconReferences, validatorsSchema } from './beacon-schema.js';
import { duration, durationText, httpUrl } from '../domain/fields.js';
import { abisSchema } from '../governance/abi-schema.js';
import { simulationSchema } from '../governance/simulate/simulation-schema.js';
import { checkGovernanceReferences, governanceSchema } from '../governance/governance-schema.js';
import { sloSchema } from './slo-schema.js';

export const configSchema = z
  .strictObject({
    server: z
      .strictObject({
        host: z.string().min(1).default('127.0.0.1').describe('The listen address; `--host` overrides it.'),
        port: z
          .number()
          .int()
          .min(0)
          .max(65_535)
          .default(9470)
          .describe('The listen port, 0 for any free port; `--port` overrides it.'),
        publicUrl: httpUrl
          .optional()
          .describe(
            'The base URL users reach the service at, for links (notifications link to ' +
              '`<publicUrl>/api/v1/alerts/<fingerprint>`); the listen address when absent.',
          ),
        auth: z
          .strictObject({
            token: z
              .string()
              .min(16, 'must be at least 16 characters')
              .optional()
              .describe(
                'Bearer token for the API (use `${VAR}`): always required by the ' +
                  'mutating routes (silences, acks), which answer 403 without one.',
              ),
            protectReads: z
              .boolean()
              .default(false)
              .describe(
                'Also require the token on every `/api/v1` read; `/metrics`, `/healthz` and `/readyz` stay open.',
              ),
          })
          .prefault({})
          .describe('Bearer token authentication of the API.'),
      })
      .prefault({})
      .describe('The HTTP server: the API and `/metrics`.'),
    storage: z
      .strictObject({
        path: z
          .string()
          .min(1)
          .default('ere.db')
          .describe(
            'The SQLite file, created with its directory; a relative path is ' +
              'from the working directory. `--db` overrides it.',
          ),
        rawRetention: duration('7d', { min: 60_000, max: 3_650 * 86_400_000 }).describe(
          'How long raw probe samples (RPC and beacon) are kept.',
        ),
        rollupRetention: duration('400d', { min: 86_400_000, max: 3_650 * 86_400_000 }).describe(
          'How long the per-minute rollups are kept; SLO windows and reports read ' +
            'them, so keep them at least as long as the longest SLO window.',
        ),
        sloStatusRetention: duration('35d', { min: 86_400_000, max: 3_650 * 86_400_000 }).describe(
          'How long the per-minute SLO evaluations (burn-down history) are kept; reports read the rollups, not these.',
        ),
        retentionSchedule: z
          .string()
          .refine(isCronExpression, 'must be a cron expression such as "17 * * * *"')
          .default('17 * * * *')
          .describe(
            'When the retention job deletes what is older than its retention (samples, rollups, SLO ' +
              'evaluations, alert history, validator data): a cron expression (node-cron).',
          ),
        flushInterval: duration('1s', { min: 10, max: 60_000 }).describe(
          'Probe samples are written in one transaction per interval, or sooner when 1,000 wait.',
        ),
        backup: z
          .strictObject({
            schedule: z
              .string()
              .refine(isCronExpression, 'must be a cron expression such as "0 3 * * *"')
              .describe(
                'When a backup is taken: a cron expression (node-cron; six fields for ' +
                  'seconds). A backup due while the previous one still runs is skipped.',
              ),
            dir: z
              .string()
              .min(1)
              .describe(
                'The directory the backups are written to, created if missing; a ' +
                  'relative path is from the working directory, like `path`.',
              ),
            keep: z
              .number()
              .int()
              .min(1)
              .max(10_000)
              .default(7)
              .describe(
                'How many backups are kept in `dir`; beyond that, the oldest of those ERE wrote are deleted first.',
              ),
          })
          .optional()
          .describe(
            'Scheduled online backups of the database, taken while the service runs; on when the section is present.',
          ),
      })
      .prefault({})
      .describe('The SQLite database and how long its data is kept.'),
    log: z
      .strictObject({
        level: z
          .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
          .default('info')
          .describe('The least severe level logged; `silent` logs nothing.'),
        format: z
          .enum(['json', 'pretty', 'auto'])
          .default('auto')
          .describe(
            '`json`: one JSON object a line; `pretty`: readable lines (pino-pretty); ' +
              '`auto`: pretty when stdout is a terminal, JSON otherwise.',
          ),
      })
      .prefault({})
      .describe('Logging on stdout: JSON lines, or readable lines at a terminal.'),
    chains: z
      .array(chainSchema)
      .min(1, 'needs at least one chain')
      .describe('The EVM chains watched, each with its RPC endpoints and, optionally, its beacon endpoints.'),
    slos: z
      .array(sloSchema)
      .default([])
      .describe(
        'SLOs over what the collectors see, each evaluated every minute from ' +
          'the per-minute rollups of minutes that have settled.',
      ),
    opensloFiles: z
      .array(z.string().min(1))
      .default([])
      .describe('OpenSLO v1 files (relative to the config file) whose SLOs the loader appends to `slos`.'),
    governance: governanceSchema.describe('Governors, timelocks, Safes and proxies watched on the chains.'),
    abis: abisSchema,
    simulation: simulationSchema,
    validators: validatorsSchema.describe("Validators watched through the chains' beacon endpoints, in labelled sets."),
    alerting: alertingSchema,
  })
  .superRefine((config, ctx) => {
    const chainIds = new Set<string>();
    const endpointIds = new Map<string, string>();
    config.chains.forEach((chain, chainIndex) => {
      if (chainIds.has(chain.id))
        ctx.addIssue({
          code: 'custom',
          path: ['chains', chainIndex, 'id'],
          message: `duplicate chain id "${chain.id}"`,
        });
      chainIds.add(chain.id);
      chain.rpc.forEach((endpoint, endpointIndex) => {
        const other = endpointIds.get(endpoint.id);
        if (other !== undefined) {
          ctx.addIssue({
            code: 'custom',
            path: ['chains', chainIndex, 'rpc', endpointIndex, 'id'],
            message:
              `duplicate endpoint id "${endpoint.id}" (also on chain ` +
              `"${other}"); endpoint ids are unique across chains`,
          });
        }
        endpointIds.set(endpoint.id, chain.id);
      });
      if (chain.rpc.length === 0 && !chain.beacon)
        ctx.addIssue({
          code: 'custom',
          path: ['chains', chainIndex, 'rpc'],
          message: 'needs at least one endpoint, or beacon endpoints (chains[].beacon)',
        });
      if (chain.timeout > chain.pollInterval) {
        // The timeout may not be written at all: say its value, and that it is the default.
        const byDefault = chain.timeout === defaultProbeTimeoutMs ? ', the default when not set' : '';
        const timeout = `${durationText(chain.timeout)}${byDefault}`;
        ctx.addIssue({
          code: 'custom',
          path: ['chains', chainIndex, 'timeout'],
          message: `must not be longer than pollInterval (${durationText(chain.pollInterval)}); timeout is ${timeout}`,
        });
      }
    });
    config.chains.forEach((chain, chainIndex) => {
      const canary = chain.canary;
      if (!canary) return;
      const path = ['chains', chainIndex, 'canary'];
      if (chain.rpc.length === 0)
        ctx.addIssue({ code: 'custom', path, message: 'needs RPC endpoints (chains[].rpc) to send through' });
      canary.endpoints?.forEach((endpoint, index) => {
        if (!chain.rpc.some((candidate) => candidate.id === endpoint))
          ctx.addIssue({
            code: 'custom',
            path: [...path, 'endpoints', index],
            message: `no endpoint "${endpoint}" on chain "${chain.id}"`,
          });
      });
    });
    checkSloReferences(config, (path, message) => ctx.addIssue({ code: 'custom', path, message }));
    checkAlertingReferences(config, (path, message) => ctx.addIssue({ code: 'custom', path, message }));
    checkGovernanceReferences(config, (path, message) => ctx.addIssue({ code: 'custom', path, message }));
    checkBeaconReferences(config, (path, message) => ctx.addIssue({ code: 'custom', path, message }));
  });

/** SLI kinds counted over a chain's RPC endpoints. */
const rpcSliKinds = ['availability', 'latency', 'freshness', 'redundancy', 'correctness', 'tx_inclusion'];

/** SLO ids are unique and their SLIs select endpoints that exist. */
export function checkSloReferences(
  config: {
    chains: {
      id: string;
      rpc: { id: string; labels: Record<string, string> }[];
      labels: Record<string, string>;
      canary?: unknown;
    }[];
    slos: {
      id: string;
      sli: {
        kind: string;
        chain: string;
        endpoints?: string[] | undefined;
        labels?: Record<string, string> | undefined;
      };
    }[];
  },
  problem: (path: (string | number)[], message: string) => void,
): void {
  const ids = new Set<string>();
  config.slos.forEach((slo, index) => {
    if (ids.has(slo.id)) problem(['slos', index, 'id'], `duplicate SLO id "${slo.id}"`);
    ids.add(slo.id);
    const chain = config.chains.find((candidate) => candidate.id === slo.sli.chain);
    if (!chain) {
      problem(['slos', index, 'sli', 'chain'], `no chain "${slo.sli.chain}"`);
      return;
    }
    if (rpcSliKinds.includes(slo.sli.kind) && chain.rpc.length === 0) {
      const message = `chain "${chain.id}" has no RPC endpoints (chains[].rpc) for an SLI of kind ${slo.sli.kind}`;
      problem(['slos', index, 'sli', 'chain'], message);
      return;
    }
    if (slo.sli.kind === 'tx_inclusion' && !chain.canary) {
      problem(
        ['slos', index, 'sli', 'chain'],
        `chain "${chain.id}" has no canary (chains[].canary) for an SLI of kind tx_inclusion`,
      );
      return;
    }
    slo.sli.endpoints?.forEach((endpoint, endpointIndex) => {
      if (!chain.rpc.some((candidate) => candidate.id === endpoint))
        problem(['slos', index, 'sli', 'endpoints', endpointIndex], `no endpoint "${endpoint}" on chain "${chain.id}"`);
    });
    if (slo.sli.labels && selectEndpoints(chain, slo.sli).length === 0)
      problem(['slos', index, 'sli', 'labels'], 'matches no endpoint of the chain');
  });
}

/** The endpoint ids an SLI selects on its chain: the listed ones (or all), those whose labels match. */
export function selectEndpoints(
  chain: { rpc: { id: string; labels: Record<string, string> }[]; labels: Record<string, string> },
  sli: { endpoints?: string[] | undefined; labels?: Record<string, string> | undefined },
): string[] {
  return chain.rpc
    .filter((endpoint) => !sli.endpoints || sli.endpoints.includes(endpoint.id))
    .filter((endpoint) =>
      Object.entries(sli.labels ?? {}).every(
        ([name, value]) => ({ ...chain.labels, ...endpoint.labels })[name] === value,
      ),
    )
    .map((endpoint) => endpoint.id);
}

export type Config = z.output<typeof configSchema>;
export type { ChainConfig, RpcEndpointConfig } from '../endpoints/chain-schema.js';
