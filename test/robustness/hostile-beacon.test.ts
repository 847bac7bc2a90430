// A standing check of the Beacon API client against a hostile beacon node (test/helpers/hostile-beacon.ts):
// every kind of bad answer, on every route the client reads (the streamed lists of validators, attestation
// rewards and liveness included), ends as a typed error of that request naming that route, never a crash,
// an untyped error or an unhandled rejection, while an honest simulated node read beside them answers
// every route; memory stays bounded. Then the running service with every hostile node and the honest one
// as one chain's beacon endpoints, read through the API. The figures are printed for docs/reliability.md.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBeaconSim, type RunningBeaconSim } from '../../src/beacon-sim/index.js';
import { BeaconClient, type BeaconRequestEvent } from '../../src/endpoints/beacon/beacon-client.js';
import { BeaconRequestError } from '../../src/endpoints/beacon/beacon-request-error.js';
import { parseConfig } from '../../src/config/load.js';
import { beaconErrorClasses } from '../../src/domain/beacon.js';
import { hostileBeaconKinds, routeKeys, type HostileBeaconKind } from '../helpers/hostile-beacon.js';
import { startHostileProcess, type HostileProcess } from '../helpers/hostile-process.js';
import { startCapturedService, tempDir, waitFor, type CapturedService } from '../helpers/service.js';

const timeoutMs = 2_000;
const bulkTimeoutMs = 3_000;
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => void unhandled.push(reason);

let hostile: HostileProcess;
let honestNode: RunningBeaconSim;
let service: CapturedService | undefined;

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  [hostile, honestNode] = await Promise.all([
    startHostileProcess('beacon'),
    startBeaconSim({
      seed: 3,
      validatorCount: 64,
      slotsPerEpoch: 4,
      secondsPerSlot: 1,
      syncCommitteeSize: 16,
      genesisTime: Math.floor(Date.now() / 1_000) - 200,
    }),
  ]);
}, 60_000);

afterAll(async () => {
  process.off('unhandledRejection', onUnhandled);
  await service?.stop();
  await hostile?.close();
  await honestNode?.close();
});

interface At {
  epoch: number;
  slot: number;
}

/** One call per route key; `spec` and `genesis` both through timing(), which asks genesis first. */
const calls: Record<keyof typeof routeKeys, (client: BeaconClient, at: At) => Promise<unknown>> = {
  genesis: (client) => client.timing(),
  spec: (client) => client.timing(),
  version: (client) => client.version(),
  syncing: (client) => client.syncing(),
  'peer-count': (client) => client.peerCount(),
  header: (client) => client.header('head'),
  finality: (client) => client.finalityCheckpoints('head'),
  validators: (client) => client.validators('head', () => undefined),
  'attestation-rewards': (client, at) => client.attestationRewards(at.epoch, () => undefined),
  liveness: (client, at) => client.liveness(at.epoch, [0, 1, 2], () => undefined),
  'proposer-duties': (client, at) => client.proposerDuties(at.epoch),
  'sync-committees': (client, at) => client.syncCommittee('head', at.epoch),
  'sync-committee-rewards': (client, at) => client.syncCommitteeRewards(at.slot),
};
const keys = Object.keys(routeKeys);

function clientOf(url: string, events: BeaconRequestEvent[] = [], maxListEntries?: number): BeaconClient {
  return new BeaconClient({
    url,
    headers: { 'x-api-key': 'BEACON-KEY-NOT-TO-SHOW' },
    timeoutMs,
    bulkTimeoutMs,
    maxListEntries,
    onRequest: (event) => void events.push(event),
  });
}

/** A finished epoch and a slot with a block, as the node reads them now. */
async function now(client: BeaconClient): Promise<At> {
  const head = (await client.header('head'))!;
  return { epoch: Math.floor(head.slot / 4) - 2, slot: head.slot - 1 };
}

async function allRoutes(client: BeaconClient, at: At): Promise<void> {
  for (const key of keys) await calls[key]!(client, at);
}

const megabytes = () => Math.round(process.memoryUsage().rss / 1_048_576);

function tally(values: Iterable<string>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}

describe('the Beacon API client against a hostile beacon node', () => {
  it(`ends each of ${hostileBeaconKinds.length} kinds of bad answer on each ` +
    `of ${keys.length} routes as a typed error of that route`, async () => {
    // The hostile node passes everything through honest on its control port.
    const control = clientOf(`${hostile.urls.control}/none`);
    await allRoutes(control, await now(control));

    const honest = clientOf(honestNode.url);
    const honestAt = await now(honest);
    let honestRounds = 0;
    let matrixDone = false;
    const honestLoop = (async () => {
      do {
        await allRoutes(honest, honestAt);
        honestRounds++;
      } while (!matrixDone);
    })();

    const at = await now(control);
    const rss = [megabytes()];
    const events: BeaconRequestEvent[] = [];
    type Outcome = { value: unknown } | { error: unknown };
    const ask = async (kind: HostileBeaconKind, key: string) => {
      const started = performance.now();
      const client = clientOf(`${hostile.urls[kind.name]}/${key}?apikey=BEACON-QUERY-SECRET`, events);
      const outcome: Outcome = await calls[key]!(client, at).then(
        (value) => ({ value }),
        (error: unknown) => ({ error }),
      );
      return { kind, key, route: routeKeys[key]!, outcome, durationMs: performance.now() - started };
    };
    // The kinds that hold a request open run at once, beside the others asked one request at a time (a
    // 40 MB answer thirteen times at once would be a load test, not this).
    const slow = Promise.all(
      hostileBeaconKinds.filter((kind) => kind.slow).flatMap((kind) => keys.map((key) => ask(kind, key))),
    );
    const outcomes: Awaited<ReturnType<typeof ask>>[] = [];
    for (const kind of hostileBeaconKinds.filter((candidate) => !candidate.slow))
      for (const key of keys) outcomes.push(await ask(kind, key));
    outcomes.push(...(await slow));
    matrixDone = true;
    await honestLoop;
    rss.push(megabytes());

    const seen: string[] = [];
    const wrong: string[] = [];
    for (const { kind, key, route, outcome, durationMs } of outcomes) {
      const label = `${kind.name} on ${key}`;
      if (durationMs > bulkTimeoutMs + 3_000) wrong.push(`${label}: took ${Math.round(durationMs)} ms`);
      if (kind.absentOn?.includes(route)) {
        // "Nothing there" is null; a client that reports it as not_found, for the tracker to judge, holds too.
        const notFound =
          'error' in outcome &&
          outcome.error instanceof BeaconRequestError &&
          outcome.error.errorClass === 'not_found' &&
          outcome.error.route === route;
        if (!notFound && (!('value' in outcome) || outcome.value !== null)) wrong.push(`${label}: expected null`);
        if (notFound) seen.push('not_found');
        continue;
      }
      if (kind.unbent?.includes(route)) {
        if (!('value' in outcome) || outcome.value === null) wrong.push(`${label}: expected the honest answer`);
        continue;
      }
      if (!('error' in outcome) || !(outcome.error instanceof BeaconRequestError)) {
        wrong.push(`${label}: ${'error' in outcome ? `untyped ${String(outcome.error)}` : 'answered'}`);
        continue;
      }
      const error = outcome.error;
      if (error.errorClass !== kind.expect || error.route !== route)
        wrong.push(`${label}: ${error.errorClass} on ${error.route}: ${error.shortMessage}`);
      if (/BEACON-KEY|BEACON-QUERY-SECRET|LOCATION-SECRET|apikey/.test(error.message))
        wrong.push(`${label}: a secret in ${error.message}`);
      if (error.shortMessage.length > 300) wrong.push(`${label}: a message of ${error.shortMessage.length} characters`);
      seen.push(error.errorClass);
    }
    expect(wrong).toEqual([]);
    for (const errorClass of seen) expect(beaconErrorClasses).toContain(errorClass);
    // Each failed request was reported once, with its class, beside the honest answers of the other routes.
    expect(tally(events.filter((event) => event.outcome !== 'ok').map((event) => event.outcome))).toEqual(tally(seen));
    expect(honestRounds).toBeGreaterThanOrEqual(1);
    expect(unhandled).toEqual([]);
    expect(rss[1]! - rss[0]!).toBeLessThan(600);
    const figures = await hostile.figures();
    console.log(
      JSON.stringify({
        suite: 'hostile beacon node, client',
        kinds: hostileBeaconKinds.length,
        routes: keys.length,
        requests: outcomes.length,
        errorClasses: tally(seen),
        answeredOrAbsent: outcomes.length - seen.length,
        honestRoundsOfEveryRoute: honestRounds,
        requestsByOutcome: tally(events.map((event) => `${event.outcome} ${event.status ?? 'no status'}`)),
        bentAnswersPerRoute: figures.routes,
        answersByStatus: figures.statuses,
        rssMegabytes: rss,
      }),
    );
  }, 60_000);

  it.each(['validators', 'attestation-rewards'])(
    'ends an endless %s list as a typed error, with memory bounded',
    async (key) => {
      const before = megabytes();
      let delivered = 0;
      // A list never read before may be as long as `beacon.maxListEntries`: here 20,000, so that the cap, not
      // the bulk timeout, ends it on a loaded machine too.
      const maxListEntries = 20_000;
      const client = clientOf(`${hostile.urls['endless-list']}/${key}`, [], maxListEntries);
      const at = await now(clientOf(`${hostile.urls.control}/none`));
      const call =
        key === 'validators'
          ? client.validators('head', () => void delivered++)
          : client.attestationRewards(at.epoch, () => void delivered++);
      const error = await call.then(
        () => undefined,
        (thrown: unknown) => thrown,
      );
      expect(error).toBeInstanceOf(BeaconRequestError);
      expect((error as BeaconRequestError).errorClass).toBe('invalid_response');
      expect(delivered).toBeGreaterThan(1_000);
      expect(delivered).toBeLessThanOrEqual(maxListEntries);
      expect(megabytes() - before).toBeLessThan(300);
      console.log(
        JSON.stringify({
          suite: 'hostile beacon node, endless list',
          route: routeKeys[key],
          errorClass: (error as BeaconRequestError).errorClass,
          delivered,
          rssGrowthMegabytes: megabytes() - before,
        }),
      );
    },
  );

  it('shows each hostile node of a running service with its error ' +
    'class, and the honest node healthy throughout', async () => {
    const config = parseConfig(
      JSON.stringify({
        server: { host: '127.0.0.1', port: 0 },
        storage: { path: join(tempDir(), 'ere.db'), flushInterval: '200ms' },
        log: { level: 'info' },
        chains: [
          {
            id: 'sim',
            chainId: 31337,
            beacon: {
              endpoints: [
                { id: 'honest', url: `${honestNode.url}/` },
                ...hostileBeaconKinds.map((kind) => ({
                  id: kind.name,
                  url: `${hostile.urls[kind.name]}/all/?apikey=BEACON-QUERY-SECRET`,
                  headers: { 'x-api-key': 'BEACON-KEY-NOT-TO-SHOW' },
                })),
              ],
              pollInterval: '3s',
              timeout: '2s',
              maxHeadAge: '30s',
            },
          },
        ],
      }),
    );
    service = await startCapturedService(config);
    const running = service;
    type EndpointState = {
      id: string;
      up: boolean;
      healthy: boolean;
      errorClass: string | null;
      errorMessage: string | null;
      lastProbeAt: string | null;
    };
    const read = async () =>
      (
        (await running.app.inject({ method: 'GET', url: '/api/v1/beacon/sim' })).json() as {
          endpoints: EndpointState[];
        }
      ).endpoints;
    const expected = new Map(hostileBeaconKinds.map((kind) => [kind.name, kind.expect]));
    const probedAt = new Map<string, Set<string>>();
    const honestReads: boolean[] = [];
    await waitFor(
      async () => {
        const states = await read();
        for (const state of states) {
          if (state.lastProbeAt === null) continue;
          if (state.id === 'honest') {
            honestReads.push(state.up && state.healthy);
            continue;
          }
          expect([state.id, state.errorClass, state.up, state.healthy]).toEqual([
            state.id,
            expected.get(state.id),
            false,
            false,
          ]);
          expect(state.errorMessage ?? '').not.toMatch(/BEACON-KEY|BEACON-QUERY-SECRET|LOCATION-SECRET/);
          probedAt.set(state.id, (probedAt.get(state.id) ?? new Set()).add(state.lastProbeAt));
        }
        return (
          hostileBeaconKinds.every((kind) => (probedAt.get(kind.name)?.size ?? 0) >= 2) && honestReads.length >= 10
        );
      },
      45_000,
      'every hostile node probed twice and the honest one read ten times',
    );
    expect(honestReads.every(Boolean)).toBe(true);
    expect((await running.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    expect(unhandled).toEqual([]);
    expect(running.logLines.join('\n')).not.toMatch(/BEACON-KEY|BEACON-QUERY-SECRET|LOCATION-SECRET/);
    const states = await read();
    const figures = await hostile.figures();
    console.log(
      JSON.stringify({
        suite: 'hostile beacon node, running service',
        endpoints: states.length,
        honestHealthyReads: honestReads.length,
        hostileProbesSeen: [...probedAt.values()].reduce((sum, set) => sum + set.size, 0),
        errorClasses: tally(states.filter((state) => state.id !== 'honest').map((state) => state.errorClass ?? 'none')),
        answersServedPerKind: figures.served,
        answersByStatus: figures.statuses,
        rssMegabytes: megabytes(),
      }),
    );
  }, 60_000);
});
