// The API's view of chains and endpoints: configuration (with URLs redacted) joined with live state.

import { z } from 'zod';
import type { ChainConfig } from '../chain-schema.js';
import { parseClientVersion } from '../../domain/client-version.js';
import type { ChainHealth, EndpointHealth, RpcSample } from '../../domain/rpc.js';
import { rpcErrorClasses } from '../../domain/rpc.js';
import type { ChainTracker } from './rpc-tracker.js';
import { endpointStateOf, endpointStateShape, iso } from '../endpoint-view.js';

/** A consensus head older than this is a halted chain, whatever its endpoints say: ChainHalted's default threshold. */
export const haltedAfterSeconds = 60;

export const chainStatusSchema = z
  .enum(['ok', 'degraded', 'single_point_of_failure', 'down', 'halted'])
  .describe(
    `ok: every endpoint healthy; degraded: some not; single_point_of_failure: one healthy left; down: none; ` +
      `halted: endpoints answer, but the consensus head is older than ${haltedAfterSeconds} s.`,
  );

export const chainSummarySchema = z.object({
  id: z.string(),
  chainId: z.number().int(),
  status: chainStatusSchema,
  consensusHead: z.number().int().nullable(),
  consensusHeadTime: z.string().nullable(),
  headAgeSeconds: z.number().nullable(),
  configuredEndpoints: z.number().int(),
  healthyEndpoints: z.number().int(),
  singlePointOfFailure: z.boolean(),
});

export const endpointStateSchema = z.object({
  id: z.string(),
  chain: z.string(),
  ...endpointStateShape,
  headBlock: z.number().int().nullable(),
  headAgeSeconds: z.number().nullable(),
  lagBlocks: z.number().int().nullable().describe('Blocks behind the consensus head; negative when ahead.'),
  lagSeconds: z.number().nullable(),
  syncing: z.boolean().nullable(),
  peerCount: z.number().int().nullable().describe('null when the endpoint refuses net_peerCount.'),
  latencyMs: z.number().nullable(),
  errorClass: z
    .enum([...rpcErrorClasses, 'incorrect_data'])
    .nullable()
    .describe(
      "The last probe's failure; `incorrect_data` when probes answer but a data check holds the endpoint " +
        'unhealthy (chains[].correctness), with the check and block in errorMessage.',
    ),
  errorMessage: z.string().nullable(),
  client: z.string().nullable(),
  clientVersion: z.string().nullable(),
  gasUtilizationRatio: z.number().nullable(),
  baseFeePerGasWei: z.number().nullable(),
  lastProbeAt: z.string().nullable(),
});

export const chainDetailSchema = chainSummarySchema.extend({ endpoints: z.array(endpointStateSchema) });

export const sampleSchema = z.object({
  at: z.string(),
  ok: z.boolean(),
  healthy: z.boolean(),
  latencyMs: z.number(),
  errorClass: z.enum(rpcErrorClasses).nullable(),
  errorMessage: z.string().nullable(),
  chainId: z.number().int().nullable(),
  headBlock: z.number().int().nullable(),
  headAgeSeconds: z.number().nullable(),
  lagBlocks: z.number().int().nullable(),
  lagSeconds: z.number().nullable(),
  syncing: z.boolean().nullable(),
  peerCount: z.number().int().nullable(),
  gasUsed: z.number().int().nullable(),
  gasLimit: z.number().int().nullable(),
  baseFeePerGasWei: z.number().nullable(),
  clientVersion: z.string().nullable(),
  batched: z.boolean(),
});

export type ChainSummary = z.infer<typeof chainSummarySchema>;
export type ChainDetail = z.infer<typeof chainDetailSchema>;
export type EndpointState = z.infer<typeof endpointStateSchema>;

function status(health: ChainHealth): ChainSummary['status'] {
  if (health.healthyEndpoints === 0) return 'down';
  // Healthy endpoints agreeing on an old head are a chain that makes no blocks, not a healthy chain.
  if (health.headAgeSeconds !== null && health.headAgeSeconds > haltedAfterSeconds) return 'halted';
  if (health.singlePointOfFailure) return 'single_point_of_failure';
  return health.healthyEndpoints < health.configuredEndpoints ? 'degraded' : 'ok';
}

function incorrectDataMessage({ incorrectData }: EndpointHealth): string | null {
  if (!incorrectData) return null;
  const at = incorrectData.block === null ? '' : ` at block ${incorrectData.block}`;
  return `${incorrectData.check}${at}: ${incorrectData.message}`;
}

export function sampleView(sample: RpcSample): z.infer<typeof sampleSchema> {
  const { chain: _chain, endpoint: _endpoint, at, ...rest } = sample;
  return { ...rest, at: iso(at)! };
}

export class ChainView {
  private readonly endpointConfigs = new Map<
    string,
    { chain: string; url: string; showPath: boolean; displayName: string | null; labels: Record<string, string> }
  >();

  constructor(
    private readonly config: { chains: readonly ChainConfig[] },
    private readonly tracker: ChainTracker,
  ) {
    // Labels as SLO selectors see them: the chain's, overridden by the endpoint's.
    for (const chain of config.chains) {
      for (const endpoint of chain.rpc)
        this.endpointConfigs.set(endpoint.id, {
          chain: chain.id,
          url: endpoint.url,
          showPath: endpoint.showPath,
          displayName: endpoint.displayName ?? null,
          labels: { ...chain.labels, ...endpoint.labels },
        });
    }
  }

  hasEndpoint(id: string): boolean {
    return this.endpointConfigs.has(id);
  }

  chains(): ChainSummary[] {
    return this.config.chains.map((chain) => this.summary(chain.id, this.tracker.health(chain.id)!));
  }

  chain(id: string): ChainDetail | undefined {
    const health = this.tracker.health(id);
    if (!health) return undefined;
    return { ...this.summary(id, health), endpoints: health.endpoints.map((state) => this.endpointState(state)) };
  }

  endpoint(id: string): EndpointState | undefined {
    const config = this.endpointConfigs.get(id);
    const state = config && this.tracker.health(config.chain)?.endpoints.find((endpoint) => endpoint.endpoint === id);
    return state ? this.endpointState(state) : undefined;
  }

  private summary(id: string, health: ChainHealth): ChainSummary {
    return {
      id,
      chainId: this.config.chains.find((candidate) => candidate.id === id)!.chainId,
      status: status(health),
      consensusHead: health.consensusHead,
      consensusHeadTime: health.consensusHeadTimestamp === null ? null : iso(health.consensusHeadTimestamp * 1_000),
      headAgeSeconds: health.headAgeSeconds,
      configuredEndpoints: health.configuredEndpoints,
      healthyEndpoints: health.healthyEndpoints,
      singlePointOfFailure: health.singlePointOfFailure,
    };
  }

  private endpointState(state: EndpointHealth): EndpointState {
    const config = this.endpointConfigs.get(state.endpoint)!;
    const observation = this.tracker.latestObservation(state.endpoint);
    const versionText = this.tracker.clientVersion(state.endpoint);
    const version = versionText ? parseClientVersion(versionText) : null;
    const answered = state.up ? observation : undefined;
    return {
      id: state.endpoint,
      chain: config.chain,
      ...endpointStateOf(config, state),
      headBlock: state.headBlock,
      headAgeSeconds: state.headAgeSeconds,
      lagBlocks: state.lagBlocks,
      lagSeconds: state.lagSeconds,
      syncing: answered?.syncing ?? null,
      peerCount: answered?.peerCount ?? null,
      latencyMs: observation?.latencyMs ?? null,
      errorClass: observation?.errorClass ?? (state.incorrectData ? 'incorrect_data' : null),
      errorMessage: observation?.errorMessage ?? incorrectDataMessage(state),
      client: version?.client ?? null,
      clientVersion: version?.version ?? null,
      gasUtilizationRatio: answered?.gasUsed != null && answered.gasLimit ? answered.gasUsed / answered.gasLimit : null,
      baseFeePerGasWei: answered?.baseFeePerGasWei ?? null,
      lastProbeAt: iso(state.lastObservedAt),
    };
  }
}
