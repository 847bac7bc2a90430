// The beacon endpoint collector: one probe per beacon endpoint per tick, through the Beacon API client the
// context's `createApi` builds. Each run asks, at once, the node's sync status, its head header, the head
// state's finality checkpoints and its peer count; the version at start and hourly; the chain's clock
// (genesis and spec) until it has it. A failure keeps what the other requests did answer.
//
// The endpoint is up when it answers what ERE cannot work without: the chain's clock (genesis and spec),
// its sync status and its head header. Finality checkpoints, peers and version are read for the API,
// metrics and the finality alerts; their failure is reported as a failing route of an endpoint that stays
// up, since the validator tracker reads the finalized epoch from the `finalized` header when the probes
// have none.

import type {
  BeaconApi,
  BeaconBlockHeader,
  BeaconEndpointTarget,
  BeaconErrorClass,
  BeaconObservation,
  BeaconRouteFailure,
  BeaconTiming,
  FinalityCheckpoints,
  NodeSyncing,
} from '../../domain/beacon.js';
import { beaconErrorClasses } from '../../domain/beacon.js';
import { EreError } from '../../domain/errors.js';
import { SecretScrubber } from '../../log/redact.js';
import { ProbeAbortedError, type Collector, type Probe, type ProbeContext } from '../collector.js';

const versionEveryMs = 3_600_000;
/**
 * The client times out each request at the target's timeout and reports it (a request event, an error
 * class); the probe's own deadline comes a little later, only for a client that never gives up.
 */
const deadlineGraceMs = 250;
const maxMessageLength = 200;

export interface BeaconProbeContext extends ProbeContext {
  /** The Beacon API client of one endpoint (its URL, headers and timeout are the target's). */
  createApi(target: BeaconEndpointTarget): BeaconApi;
}

/** What a failed probe did learn before the failure was known. */
export type PartialBeaconAnswer = Partial<
  Omit<BeaconObservation, 'chain' | 'endpoint' | 'at' | 'ok' | 'latencyMs' | 'errorClass' | 'errorMessage'>
>;

/**
 * The typed failure of a beacon probe: an error class (a metric label), a short redacted reason, the partial answer.
 */
export class BeaconProbeError extends EreError {
  override name = 'BeaconProbeError';
  readonly errorClass: BeaconErrorClass;
  readonly partial: PartialBeaconAnswer;
  /** The chain's clock when the probe had it: a failed probe does not unlearn genesis and spec. */
  readonly timing: BeaconTiming | null;
  readonly failingRoutes: readonly BeaconRouteFailure[];

  constructor(
    errorClass: BeaconErrorClass,
    shortMessage: string,
    options: {
      cause?: unknown;
      partial?: PartialBeaconAnswer;
      timing?: BeaconTiming | null;
      failingRoutes?: readonly BeaconRouteFailure[];
    } = {},
  ) {
    super(shortMessage, { cause: options.cause });
    this.errorClass = errorClass;
    this.partial = options.partial ?? {};
    this.timing = options.timing ?? null;
    this.failingRoutes = options.failingRoutes ?? [];
  }
}

const knownClasses: ReadonlySet<string> = new Set(beaconErrorClasses);

function truncate(text: string): string {
  const line = text.split('\n')[0] ?? '';
  return line.length > maxMessageLength ? `${line.slice(0, maxMessageLength - 1)}…` : line;
}

/** The scrubber of one target: its URL's secrets and its header values never reach a message. */
function targetScrubber(target: BeaconEndpointTarget): SecretScrubber {
  const scrubber = new SecretScrubber();
  scrubber.addUrl(target.url);
  scrubber.add(...Object.values(target.headers));
  return scrubber;
}

/**
 * Maps what a request threw onto an error class: the client's own class when it gives one (`errorClass`),
 * a timeout when the probe's deadline passed, else a connection failure (fetch throws a TypeError) or an
 * answer the client could not make sense of.
 */
export function classifyBeaconFailure(
  error: unknown,
  context: { timeoutMs: number; timedOut: boolean; scrubber: SecretScrubber },
): BeaconProbeError {
  if (error instanceof BeaconProbeError) return error;
  const fields = (error ?? {}) as { errorClass?: unknown; shortMessage?: unknown; message?: unknown; name?: unknown };
  const text = (value: unknown) => truncate(context.scrubber.scrub(String(value)));
  if (typeof fields.errorClass === 'string' && knownClasses.has(fields.errorClass)) {
    return new BeaconProbeError(
      fields.errorClass as BeaconErrorClass,
      text(fields.shortMessage ?? fields.message ?? fields.errorClass),
      { cause: error },
    );
  }
  if (context.timedOut || fields.name === 'TimeoutError')
    return new BeaconProbeError('timeout', `no answer within ${context.timeoutMs} ms`, { cause: error });
  if (error instanceof TypeError)
    return new BeaconProbeError('connection', `connection failed: ${text(error.message)}`, { cause: error });
  return new BeaconProbeError(
    'invalid_response',
    `unexpected failure: ${text(error instanceof Error ? error.message : String(error))}`,
    { cause: error },
  );
}

/** Every observation has this one shape, built in one literal. */
function observation(
  target: BeaconEndpointTarget,
  at: number,
  latencyMs: number,
  failure: BeaconProbeError | null,
  answer: PartialBeaconAnswer,
  timing: BeaconTiming | null,
  failingRoutes: readonly BeaconRouteFailure[],
): BeaconObservation & { timing: BeaconTiming | null } {
  return {
    chain: target.chain,
    endpoint: target.endpoint,
    at,
    ok: failure === null,
    latencyMs,
    errorClass: failure?.errorClass ?? null,
    errorMessage: failure?.shortMessage ?? null,
    headSlot: answer.headSlot ?? null,
    finalizedEpoch: answer.finalizedEpoch ?? null,
    justifiedEpoch: answer.justifiedEpoch ?? null,
    syncing: answer.syncing ?? null,
    syncDistance: answer.syncDistance ?? null,
    optimistic: answer.optimistic ?? null,
    peerCount: answer.peerCount ?? null,
    version: answer.version ?? null,
    failingRoutes,
    timing,
  };
}

type Settled<T> = PromiseSettledResult<T>;
const settledValue = <T>(result: Settled<T>): T | undefined =>
  result.status === 'fulfilled' ? result.value : undefined;

interface ProbedRoute {
  what: string;
  /** The route template when the failure does not name one (the clock is two routes). */
  route: string;
  /** Its failure makes the probe fail: the endpoint is down. */
  required: boolean;
  result: Settled<unknown>;
}

/** The failed request's own route template (the client names it), or the probe's for that request. */
function routeOf(result: Settled<unknown>, fallback: string): string {
  const route = result.status === 'rejected' ? (result.reason as { route?: unknown } | null)?.route : undefined;
  return typeof route === 'string' ? route : fallback;
}

class BeaconEndpointProbe implements Probe<BeaconObservation> {
  private readonly api: BeaconApi;
  private readonly scrubber: SecretScrubber;
  private timing: BeaconTiming | null = null;
  private versionReadAt: number | null = null;

  constructor(
    private readonly target: BeaconEndpointTarget,
    private readonly context: BeaconProbeContext,
  ) {
    this.api = context.createApi(target);
    this.scrubber = targetScrubber(target);
  }

  async run(): Promise<BeaconObservation> {
    const at = this.context.clock.now();
    const started = performance.now();
    const deadlineMs = this.target.timeoutMs + deadlineGraceMs;
    const deadline = AbortSignal.timeout(deadlineMs);
    const options = { signal: AbortSignal.any([this.context.shutdownSignal, deadline]) };
    const wantVersion = this.versionReadAt === null || at - this.versionReadAt >= versionEveryMs;
    const [timing, syncing, header, checkpoints, peerCount, version] = await Promise.allSettled([
      this.timing ?? this.api.timing(options),
      this.api.syncing(options),
      this.api.header('head', options),
      this.api.finalityCheckpoints('head', options),
      this.api.peerCount(options),
      wantVersion ? this.api.version(options) : null,
    ]);
    if (this.context.shutdownSignal.aborted) throw new ProbeAbortedError('probe aborted: shutting down');
    if (timing.status === 'fulfilled') this.timing = timing.value;
    if (wantVersion && version.status === 'fulfilled') this.versionReadAt = at;

    const answer = this.answer(
      settledValue(syncing),
      settledValue(header),
      settledValue(checkpoints),
      settledValue(peerCount),
      settledValue(version),
    );
    const probed: ProbedRoute[] = [
      { what: 'genesis or spec', route: 'GET /eth/v1/beacon/genesis', required: true, result: timing },
      { what: 'syncing', route: 'GET /eth/v1/node/syncing', required: true, result: syncing },
      { what: 'head header', route: 'GET /eth/v1/beacon/headers/{block_id}', required: true, result: header },
      {
        what: 'finality checkpoints',
        route: 'GET /eth/v1/beacon/states/{state_id}/finality_checkpoints',
        required: false,
        result: checkpoints,
      },
      { what: 'peer count', route: 'GET /eth/v1/node/peer_count', required: false, result: peerCount },
      { what: 'version', route: 'GET /eth/v1/node/version', required: false, result: version },
    ];
    const failures = probed.flatMap((entry) =>
      entry.result.status === 'rejected'
        ? [{ entry, cause: this.classify(entry.result.reason, deadlineMs, deadline.aborted) }]
        : [],
    );
    const failingRoutes = failures.map(
      ({ entry, cause }): BeaconRouteFailure => ({
        route: routeOf(entry.result, entry.route),
        errorClass: cause.errorClass,
        message: cause.shortMessage,
      }),
    );
    const failed = failures.find(({ entry }) => entry.required);
    let failure: BeaconProbeError | null = null;
    const context = { partial: answer, timing: this.timing, failingRoutes };
    if (failed) {
      failure = new BeaconProbeError(
        failed.cause.errorClass,
        truncate(`${failed.entry.what}: ${failed.cause.shortMessage}`),
        { cause: (failed.entry.result as PromiseRejectedResult).reason, ...context },
      );
    } else if (header.status === 'fulfilled' && header.value === null) {
      failure = new BeaconProbeError('not_found', 'head header: no block at head', context);
    }
    if (failure) throw failure;
    return observation(this.target, at, performance.now() - started, null, answer, this.timing, failingRoutes);
  }

  private classify(reason: unknown, deadlineMs: number, timedOut: boolean): BeaconProbeError {
    return classifyBeaconFailure(reason, { timeoutMs: deadlineMs, timedOut, scrubber: this.scrubber });
  }

  private answer(
    syncing: NodeSyncing | undefined,
    header: BeaconBlockHeader | null | undefined,
    checkpoints: FinalityCheckpoints | undefined,
    peerCount: number | null | undefined,
    version: string | null | undefined,
  ): PartialBeaconAnswer {
    return {
      headSlot: header?.slot ?? syncing?.headSlot ?? null,
      finalizedEpoch: checkpoints?.finalizedEpoch ?? null,
      justifiedEpoch: checkpoints?.currentJustifiedEpoch ?? null,
      syncing: syncing?.isSyncing ?? null,
      syncDistance: syncing?.syncDistance ?? null,
      optimistic: syncing?.isOptimistic ?? null,
      peerCount: peerCount ?? null,
      version: version == null ? null : truncate(this.scrubber.scrub(version)),
    };
  }
}

/**
 * Its probes need a context with `createApi`; typed with `satisfies`, so that a caller passing a plain
 * ProbeContext is told at compile time.
 */
export const beaconEndpointCollector = {
  kind: 'beacon',
  createProbe: (target: BeaconEndpointTarget, context: BeaconProbeContext): Probe<BeaconObservation> =>
    new BeaconEndpointProbe(target, context),
  failure(
    target: BeaconEndpointTarget,
    error: unknown,
    startedAt: number,
    durationMs: number,
  ): BeaconObservation | null {
    if (error instanceof ProbeAbortedError) return null;
    const failure = classifyBeaconFailure(error, {
      timeoutMs: target.timeoutMs,
      timedOut: false,
      scrubber: targetScrubber(target),
    });
    return observation(target, startedAt, durationMs, failure, failure.partial, failure.timing, failure.failingRoutes);
  },
} satisfies Collector<BeaconEndpointTarget, BeaconObservation>;
