// Pure derivation of a beacon chain's state from the latest observation of each of its beacon endpoints and
// the chain's clock: the slot the wall clock is in, each endpoint's head age and lag behind the highest head,
// how far finality trails the wall clock, and which endpoints are healthy (and why the others are not).

import type { BeaconChainHealth, BeaconEndpointHealth, BeaconObservation, BeaconTiming } from '../../domain/beacon.js';

export interface BeaconHealthPolicy {
  /** An endpoint further behind the highest head than this is not healthy. */
  maxLagSlots: number;
  /** An endpoint whose head slot started longer ago than this is not healthy. */
  maxHeadAgeMs: number;
  /** An observation older than this no longer says anything about the endpoint. */
  staleAfterMs: number;
}

/** Milliseconds since the Unix epoch at which `slot` starts. */
export function slotStartMs(timing: BeaconTiming, slot: number): number {
  return (timing.genesisTime + slot * timing.secondsPerSlot) * 1_000;
}

/** The slot the wall clock is in; null before genesis. */
export function wallClockSlot(timing: BeaconTiming | null | undefined, nowMs: number): number | null {
  if (!timing || timing.secondsPerSlot <= 0) return null;
  const elapsedSeconds = nowMs / 1_000 - timing.genesisTime;
  return elapsedSeconds < 0 ? null : Math.floor(elapsedSeconds / timing.secondsPerSlot);
}

export function epochOfSlot(timing: BeaconTiming, slot: number): number {
  return Math.floor(slot / timing.slotsPerEpoch);
}

/** Seconds since the start of the head slot: grows while the node imports nothing. */
export function headAgeSeconds(
  timing: BeaconTiming | null | undefined,
  headSlot: number | null,
  nowMs: number,
): number | null {
  if (!timing || headSlot === null) return null;
  return (nowMs - slotStartMs(timing, headSlot)) / 1_000;
}

/** Wall-clock epoch minus finalized epoch: 2 on a healthy network, growing while finality stalls. */
export function finalityDistanceEpochs(
  timing: BeaconTiming | null | undefined,
  finalizedEpoch: number | null,
  nowMs: number,
): number | null {
  const slot = wallClockSlot(timing, nowMs);
  if (!timing || slot === null || finalizedEpoch === null) return null;
  return epochOfSlot(timing, slot) - finalizedEpoch;
}

function isFresh(
  observation: BeaconObservation | undefined,
  nowMs: number,
  policy: BeaconHealthPolicy,
): observation is BeaconObservation {
  return observation !== undefined && nowMs - observation.at <= policy.staleAfterMs;
}

/** Fresh and successful: the observations the chain's state is taken from. */
function isUp(
  observation: BeaconObservation | undefined,
  nowMs: number,
  policy: BeaconHealthPolicy,
): observation is BeaconObservation {
  return isFresh(observation, nowMs, policy) && observation.ok;
}

/** The best of the chain's fresh, successful observations: the highest head and the highest finalized epoch. */
export function bestOf(
  observations: Iterable<BeaconObservation | undefined>,
  nowMs: number,
  policy: BeaconHealthPolicy,
): { headSlot: number | null; finalizedEpoch: number | null } {
  let headSlot: number | null = null;
  let finalizedEpoch: number | null = null;
  for (const observation of observations) {
    if (!isUp(observation, nowMs, policy)) continue;
    if (observation.headSlot !== null && (headSlot === null || observation.headSlot > headSlot))
      headSlot = observation.headSlot;
    if (observation.finalizedEpoch !== null && (finalizedEpoch === null || observation.finalizedEpoch > finalizedEpoch))
      finalizedEpoch = observation.finalizedEpoch;
  }
  return { headSlot, finalizedEpoch };
}

export function beaconEndpointHealth(
  endpoint: string,
  observation: BeaconObservation | undefined,
  chain: { timing: BeaconTiming | null | undefined; highestHeadSlot: number | null; version: string | null },
  nowMs: number,
  policy: BeaconHealthPolicy,
): BeaconEndpointHealth {
  const fresh = isFresh(observation, nowMs, policy);
  const up = fresh && observation.ok;
  const answered = up ? observation : undefined;
  const headSlot = answered?.headSlot ?? null;
  const finalizedEpoch = answered?.finalizedEpoch ?? null;
  const age = headAgeSeconds(chain.timing, headSlot, nowMs);
  const lagSlots = headSlot !== null && chain.highestHeadSlot !== null ? chain.highestHeadSlot - headSlot : null;

  const unhealthyReasons: string[] = [];
  if (observation === undefined) unhealthyReasons.push('not probed yet');
  else if (!fresh) unhealthyReasons.push('no recent probe');
  else if (!observation.ok) unhealthyReasons.push(`probe failed: ${observation.errorClass ?? 'unknown'}`);
  if (answered?.syncing === true)
    unhealthyReasons.push(
      answered.syncDistance === null ? 'syncing' : `syncing, ${answered.syncDistance} slots behind`,
    );
  if (lagSlots !== null && lagSlots > policy.maxLagSlots)
    unhealthyReasons.push(`${lagSlots} slots behind the highest head`);
  if (age !== null && age * 1_000 > policy.maxHeadAgeMs)
    unhealthyReasons.push(`head slot started ${Math.round(age)} s ago (at most ${policy.maxHeadAgeMs / 1_000} s)`);

  return {
    endpoint,
    up,
    healthy: unhealthyReasons.length === 0,
    unhealthyReasons,
    headSlot,
    headAgeSeconds: age,
    lagSlots,
    finalizedEpoch,
    finalityDistanceEpochs: finalityDistanceEpochs(chain.timing, finalizedEpoch, nowMs),
    syncing: answered?.syncing ?? null,
    peerCount: answered?.peerCount ?? null,
    version: chain.version,
    latencyMs: observation?.latencyMs ?? null,
    errorClass: observation?.errorClass ?? null,
    lastObservedAt: observation?.at ?? null,
    failingRoutes: fresh ? (observation.failingRoutes ?? []) : [],
  };
}

/** The chain's state at `nowMs`, with its endpoints in the given (configured) order. */
export function deriveBeaconChainHealth(
  chain: string,
  endpoints: readonly string[],
  latest: ReadonlyMap<string, BeaconObservation>,
  timing: BeaconTiming | null | undefined,
  nowMs: number,
  policy: BeaconHealthPolicy,
  versionOf: (endpoint: string) => string | null = () => null,
): BeaconChainHealth {
  const best = bestOf(
    endpoints.map((endpoint) => latest.get(endpoint)),
    nowMs,
    policy,
  );
  const endpointStates = endpoints.map((endpoint) =>
    beaconEndpointHealth(
      endpoint,
      latest.get(endpoint),
      { timing, highestHeadSlot: best.headSlot, version: versionOf(endpoint) },
      nowMs,
      policy,
    ),
  );
  return {
    chain,
    wallClockSlot: wallClockSlot(timing, nowMs),
    headSlot: best.headSlot,
    finalizedEpoch: best.finalizedEpoch,
    finalityDistanceEpochs: finalityDistanceEpochs(timing, best.finalizedEpoch, nowMs),
    configuredEndpoints: endpoints.length,
    healthyEndpoints: endpointStates.filter((state) => state.healthy).length,
    endpoints: endpointStates,
  };
}
