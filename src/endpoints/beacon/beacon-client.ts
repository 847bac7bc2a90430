// The Beacon API client of the validator collector and the beacon endpoint probes: one method per route
// (`BeaconApi`), answers decoded and checked into the domain's types, failures typed by error class and
// route, and the large lists (every validator, every validator's attestation rewards) streamed element by
// element so that nothing holds a mainnet-sized body. The URL's credentials, key-bearing path and query
// never reach an error: errors name the route template and the host.

import type {
  AttestationReward,
  BeaconApi,
  BeaconBlockHeader,
  BeaconErrorClass,
  BeaconTiming,
  ExecutionBlockRef,
  FinalityCheckpoints,
  IdealAttestationReward,
  Liveness,
  NodeSyncing,
  ProposerDuties,
  RequestOptions,
  SyncCommitteeReward,
  ValidatorRecord,
} from '../../domain/beacon.js';
import { EreError } from '../../domain/errors.js';
import { redactUrl, SecretScrubber, urlHost } from '../../log/redact.js';
import { ProbeAbortedError } from '../collector.js';
import { isRedirect, redirectHost } from '../redirect.js';
import { BeaconRequestError, classifyBeaconFailure, httpFailure } from './beacon-request-error.js';
import type { BeaconRoute } from './beacon-routes.js';
import {
  decodeAttestationReward,
  decodeBlockExecution,
  decodeFinalityCheckpoints,
  decodeGenesisTime,
  decodeHeader,
  decodeIdealRewards,
  decodeLiveness,
  decodePeerCount,
  decodeProposerDuties,
  decodeSpecTiming,
  decodeSyncCommittee,
  decodeSyncCommitteeRewards,
  decodeSyncing,
  decodeValidator,
  decodeVersion,
} from './decode.js';
import { decodeElement } from './decode-fields.js';
import { counted, drain, readErrorText, readJson, streamList, type Chunks, type ListLimit } from './response-body.js';

export { beaconRoutes, type BeaconRoute } from './beacon-routes.js';

/** Mainnet has about 2.2 M validator records: room for several times that, far below what exhausts memory. */
export const defaultMaxListEntries = 10_000_000;
/** Bytes allowed per entry of a streamed list: a validator is about 250 bytes of JSON, a reward less. */
const maxBytesPerEntry = 2_048;
/** A list may grow by this many entries over its last length however short it was (deposits, a testnet). */
const minListGrowth = 100_000;

/**
 * One HTTP request to the node, as it ended. A caller's abort, or an exception of the caller's own callback, emits
 * nothing: it says nothing of the node.
 */
export interface BeaconRequestEvent {
  route: BeaconRoute;
  /** 'ok' also for the answers a route defines as "nothing there" (a 404 for a slot without a block). */
  outcome: 'ok' | BeaconErrorClass;
  status: number | null;
  durationMs: number;
  /** Response body bytes read. */
  bytes: number;
}

export interface BeaconClientOptions {
  /** The node's base URL; a path prefix, query parameters (`?apikey=`) and basic-auth credentials are kept. */
  url: string;
  headers?: Record<string, string>;
  timeoutMs: number;
  /** The timeout of the requests that return every validator: the validator list and attestation rewards. */
  bulkTimeoutMs: number;
  /** Indices per liveness request. */
  livenessChunkSize?: number;
  /**
   * The most entries of a streamed list (every validator, every validator's attestation rewards) until the
   * node has answered that list once; from then on at most twice its last length (and never over this).
   */
  maxListEntries?: number;
  onRequest?: (event: BeaconRequestEvent) => void;
  fetch?: typeof fetch;
}

type StateId = 'head' | 'finalized' | number;

interface Exchange {
  route: BeaconRoute;
  /** The filled-in path, with its own query if any. */
  path: string;
  /** A JSON body: the request is a POST. */
  body?: string;
  bulk?: boolean;
}

/** An exception thrown by the caller's own callback: passed through untouched, not blamed on the node. */
class CallbackFailure {
  constructor(readonly error: unknown) {}
}

function deliverTo<T>(callback: (value: T) => void): (value: T) => void {
  return (value) => {
    try {
      callback(value);
    } catch (error) {
      throw new CallbackFailure(error);
    }
  };
}

function segment(id: string | number): string {
  if (typeof id === 'number' && !(Number.isSafeInteger(id) && id >= 0))
    throw new RangeError(`not a slot, epoch or index: ${id}`);
  return String(id);
}

export class BeaconClient implements BeaconApi {
  private readonly origin: string;
  private readonly basePath: string;
  private readonly baseQuery: URLSearchParams;
  private readonly host: string;
  private readonly headers: Record<string, string>;
  private readonly timeoutMs: number;
  private readonly bulkTimeoutMs: number;
  private readonly livenessChunkSize: number;
  private readonly maxListEntries: number;
  /** Each streamed list's length in the last complete answer. */
  private readonly lastListLength = new Map<BeaconRoute, number>();
  private readonly onRequest: ((event: BeaconRequestEvent) => void) | undefined;
  private readonly fetch: typeof fetch;
  private readonly scrubber = new SecretScrubber();

  constructor(options: BeaconClientOptions) {
    let url: URL;
    try {
      url = new URL(options.url);
    } catch (error) {
      throw new EreError(`invalid beacon URL ${redactUrl(options.url)}`, { cause: error });
    }
    this.origin = url.origin;
    this.basePath = url.pathname.replace(/\/+$/, '');
    this.baseQuery = url.searchParams;
    this.host = urlHost(options.url);
    this.scrubber.addUrl(options.url);
    // fetch refuses URLs with credentials: they travel as basic auth, unless the config sets the header.
    this.headers = { accept: 'application/json' };
    if (url.username || url.password)
      this.headers.authorization =
        `Basic ` +
        `${Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64')}`;
    Object.assign(this.headers, lowerCaseKeys(options.headers ?? {}));
    // A node echoing a header it was sent (an API key) in an error must not put it in the error's details.
    this.scrubber.add(...Object.values(options.headers ?? {}));
    this.timeoutMs = options.timeoutMs;
    this.bulkTimeoutMs = options.bulkTimeoutMs;
    this.livenessChunkSize = options.livenessChunkSize ?? 10_000;
    if (!(Number.isSafeInteger(this.livenessChunkSize) && this.livenessChunkSize > 0))
      throw new RangeError('livenessChunkSize must be a positive integer');
    this.maxListEntries = options.maxListEntries ?? defaultMaxListEntries;
    if (!(Number.isSafeInteger(this.maxListEntries) && this.maxListEntries > 0))
      throw new RangeError('maxListEntries must be a positive integer');
    this.onRequest = options.onRequest;
    this.fetch = options.fetch ?? globalThis.fetch;
  }

  async timing(options?: RequestOptions): Promise<BeaconTiming> {
    const genesisTime = await this.json(
      { route: 'GET /eth/v1/beacon/genesis', path: '/eth/v1/beacon/genesis' },
      decodeGenesisTime,
      options,
    );
    const spec = await this.json(
      { route: 'GET /eth/v1/config/spec', path: '/eth/v1/config/spec' },
      decodeSpecTiming,
      options,
    );
    return { genesisTime, ...spec };
  }

  version(options?: RequestOptions): Promise<string> {
    return this.json({ route: 'GET /eth/v1/node/version', path: '/eth/v1/node/version' }, decodeVersion, options);
  }

  syncing(options?: RequestOptions): Promise<NodeSyncing> {
    return this.json({ route: 'GET /eth/v1/node/syncing', path: '/eth/v1/node/syncing' }, decodeSyncing, options);
  }

  /** null when the node does not serve the route (404, 405, 501): no data, not a failure. */
  peerCount(options?: RequestOptions): Promise<number | null> {
    const exchange: Exchange = { route: 'GET /eth/v1/node/peer_count', path: '/eth/v1/node/peer_count' };
    return this.request(exchange, [404, 405, 501], (chunks) => readJson(chunks).then(decodePeerCount), options);
  }

  /**
   * GET /eth/v2/beacon/blocks/{block_id} → the execution block the block's payload names; null when it names
   * none. Outside `BeaconApi`: the beacon trackers read headers, and only the RPC checks want the payload.
   */
  executionBlock(blockId: 'head' | 'finalized', options?: RequestOptions): Promise<ExecutionBlockRef | null> {
    return this.json(
      { route: 'GET /eth/v2/beacon/blocks/{block_id}', path: `/eth/v2/beacon/blocks/${blockId}` },
      decodeBlockExecution,
      options,
    );
  }

  /** null for a slot without a block (404); a 404 for `head` or `finalized` is a failure. */
  header(blockId: 'head' | 'finalized' | number, options?: RequestOptions): Promise<BeaconBlockHeader | null> {
    const exchange: Exchange = {
      route: 'GET /eth/v1/beacon/headers/{block_id}',
      path: `/eth/v1/beacon/headers/${segment(blockId)}`,
    };
    return this.request(
      exchange,
      typeof blockId === 'number' ? [404] : [],
      (chunks) => readJson(chunks).then(decodeHeader),
      options,
    );
  }

  finalityCheckpoints(stateId: 'head' | number, options?: RequestOptions): Promise<FinalityCheckpoints> {
    const path = `/eth/v1/beacon/states/${segment(stateId)}/finality_checkpoints`;
    return this.json(
      { route: 'GET /eth/v1/beacon/states/{state_id}/finality_checkpoints', path },
      decodeFinalityCheckpoints,
      options,
    );
  }

  /**
   * Every validator, streamed. On a failure mid-stream the validators before it were already delivered:
   * the caller must discard the whole run.
   */
  async validators(
    stateId: StateId,
    onValidator: (validator: ValidatorRecord) => void,
    options?: RequestOptions,
  ): Promise<{ count: number }> {
    const exchange: Exchange = {
      route: 'GET /eth/v1/beacon/states/{state_id}/validators',
      path: `/eth/v1/beacon/states/${segment(stateId)}/validators`,
      bulk: true,
    };
    const deliver = deliverTo(onValidator);
    const limit = this.listLimit(exchange.route);
    const scanned = await this.request(
      exchange,
      [],
      (chunks) =>
        streamList(
          chunks,
          ['data'],
          [],
          (element, index) => deliver(decodeElement(decodeValidator, element, 'data', index)),
          limit,
        ),
      options,
    );
    this.lastListLength.set(exchange.route, scanned.count);
    return { count: scanned.count };
  }

  /** Every validator's rewards, streamed; as with `validators`, a failure mid-stream fails the whole epoch. */
  async attestationRewards(
    epoch: number,
    onReward: (reward: AttestationReward) => void,
    options?: RequestOptions,
  ): Promise<{ ideal: IdealAttestationReward[]; count: number }> {
    const exchange: Exchange = {
      route: 'POST /eth/v1/beacon/rewards/attestations/{epoch}',
      path: `/eth/v1/beacon/rewards/attestations/${segment(epoch)}`,
      body: '[]',
      bulk: true,
    };
    const deliver = deliverTo(onReward);
    const limit = this.listLimit(exchange.route);
    const rewards = await this.request(
      exchange,
      [],
      async (chunks) => {
        const scanned = await streamList(
          chunks,
          ['data', 'total_rewards'],
          [['data', 'ideal_rewards']],
          (element, index) => deliver(decodeElement(decodeAttestationReward, element, 'data.total_rewards', index)),
          limit,
        );
        return { ideal: decodeIdealRewards(scanned.captured.get('data.ideal_rewards')), count: scanned.count };
      },
      options,
    );
    this.lastListLength.set(exchange.route, rewards.count);
    return rewards;
  }

  /** One request per `livenessChunkSize` indices, one after the other. */
  async liveness(
    epoch: number,
    indices: readonly number[],
    onLiveness: (liveness: Liveness) => void,
    options?: RequestOptions,
  ): Promise<void> {
    const path = `/eth/v1/validator/liveness/${segment(epoch)}`;
    const deliver = deliverTo(onLiveness);
    for (let from = 0; from < indices.length; from += this.livenessChunkSize) {
      const chunk = indices.slice(from, from + this.livenessChunkSize);
      const body = JSON.stringify(chunk.map((index) => segment(index)));
      // One entry per index asked: a longer answer is not an answer to the request.
      const limit = { maxEntries: chunk.length, maxBytes: chunk.length * maxBytesPerEntry + 4_096 };
      await this.request(
        { route: 'POST /eth/v1/validator/liveness/{epoch}', path, body },
        [],
        (chunks) =>
          streamList(
            chunks,
            ['data'],
            [],
            (element, index) => deliver(decodeElement(decodeLiveness, element, 'data', index)),
            limit,
          ),
        options,
      );
    }
  }

  proposerDuties(epoch: number, options?: RequestOptions): Promise<ProposerDuties> {
    const path = `/eth/v1/validator/duties/proposer/${segment(epoch)}`;
    return this.json(
      { route: 'GET /eth/v1/validator/duties/proposer/{epoch}', path },
      (body) => decodeProposerDuties(body, epoch),
      options,
    );
  }

  syncCommittee(stateId: 'head' | number, epoch: number, options?: RequestOptions): Promise<number[]> {
    const path = `/eth/v1/beacon/states/${segment(stateId)}/sync_committees?epoch=${segment(epoch)}`;
    return this.json(
      { route: 'GET /eth/v1/beacon/states/{state_id}/sync_committees', path },
      decodeSyncCommittee,
      options,
    );
  }

  /**
   * Asked only for a slot whose block was read: a 404 is then a node that has pruned the block's state, a
   * `not_found` failure, never "nobody had to sign".
   */
  syncCommitteeRewards(slot: number, options?: RequestOptions): Promise<SyncCommitteeReward[]> {
    const exchange: Exchange = {
      route: 'POST /eth/v1/beacon/rewards/sync_committee/{block_id}',
      path: `/eth/v1/beacon/rewards/sync_committee/${segment(slot)}`,
      body: '[]',
    };
    return this.json(exchange, decodeSyncCommitteeRewards, options);
  }

  /** How long a streamed list may be: twice its last length with room to grow, within the configured maximum. */
  private listLimit(route: BeaconRoute): ListLimit {
    const last = this.lastListLength.get(route);
    const maxEntries =
      last === undefined
        ? this.maxListEntries
        : Math.min(this.maxListEntries, Math.max(2 * last, last + minListGrowth));
    // Captured values beside the list (`ideal_rewards`) are small; the allowance covers them.
    return { maxEntries, maxBytes: maxEntries * maxBytesPerEntry + 1024 * 1024 };
  }

  private json<T>(exchange: Exchange, decode: (body: unknown) => T, options: RequestOptions | undefined): Promise<T> {
    return this.request(exchange, [], (chunks) => readJson(chunks).then(decode), options);
  }

  private url(path: string): string {
    const url = new URL(`${this.origin}${this.basePath}${path}`);
    for (const [key, value] of this.baseQuery) url.searchParams.append(key, value);
    return url.toString();
  }

  /**
   * Sends one request and reads its answer with `read`. Statuses in `absentOn` are answers meaning
   * "nothing there": null. Everything else that is not a 2xx is a failure.
   */
  private request<T>(
    exchange: Exchange,
    absentOn: readonly [],
    read: (chunks: Chunks) => Promise<T>,
    options: RequestOptions | undefined,
  ): Promise<T>;
  private request<T>(
    exchange: Exchange,
    absentOn: readonly number[],
    read: (chunks: Chunks) => Promise<T>,
    options: RequestOptions | undefined,
  ): Promise<T | null>;
  private async request<T>(
    exchange: Exchange,
    absentOn: readonly number[],
    read: (chunks: Chunks) => Promise<T>,
    options: RequestOptions | undefined,
  ): Promise<T | null> {
    const timeoutMs = exchange.bulk ? this.bulkTimeoutMs : this.timeoutMs;
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = options?.signal ? AbortSignal.any([timeout, options.signal]) : timeout;
    const started = performance.now();
    const meter = { bytes: 0 };
    let status: number | null = null;
    const emit = (outcome: BeaconRequestEvent['outcome']) =>
      this.onRequest?.({
        route: exchange.route,
        outcome,
        status,
        durationMs: performance.now() - started,
        bytes: meter.bytes,
      });
    let result: T | null;
    try {
      const response = await this.fetch(this.url(exchange.path), {
        method: exchange.body === undefined ? 'GET' : 'POST',
        headers: exchange.body === undefined ? this.headers : { ...this.headers, 'content-type': 'application/json' },
        ...(exchange.body === undefined ? {} : { body: exchange.body }),
        signal,
        redirect: 'manual',
      });
      status = response.status;
      const chunks = counted(response.body, meter);
      if (isRedirect(status)) {
        await response.body?.cancel();
        const on = `from ${this.host} on ${exchange.route}`;
        throw new BeaconRequestError(
          'http_status',
          exchange.route,
          `HTTP ${status} redirect to ${redirectHost(response, this.url(exchange.path))} ${on}, not followed`,
          { status },
        );
      } else if (absentOn.includes(status)) {
        await drain(chunks);
        result = null;
      } else if (status < 200 || status >= 300) {
        throw httpFailure(
          exchange.route,
          status,
          { host: this.host, scrubber: this.scrubber },
          await readErrorText(chunks),
        );
      } else {
        result = await read(chunks);
      }
    } catch (error) {
      if (options?.signal?.aborted)
        throw new ProbeAbortedError(`beacon request aborted: ${exchange.route}`, { cause: error });
      if (error instanceof CallbackFailure) throw error.error;
      const failure = classifyBeaconFailure(error, exchange.route, status, {
        host: this.host,
        scrubber: this.scrubber,
        timedOutAfterMs: timeout.aborted ? timeoutMs : null,
      });
      emit(failure.errorClass);
      throw failure;
    }
    emit('ok');
    return result;
  }
}

function lowerCaseKeys(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([key, value]) => [key.toLowerCase(), value]));
}
