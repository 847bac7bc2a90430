// A standing check of the RPC probe against a hostile JSON-RPC server: every kind of bad answer the server
// knows (test/helpers/hostile-rpc.ts) ends as its typed error class on its own endpoint, never a crash,
// an untyped error or an unhandled rejection, while anvil probed beside them stays healthy throughout;
// memory stays bounded over repeated rounds. First the probes themselves, then the running service with
// every hostile endpoint and anvil in one chain, read through the API. The figures are printed for
// docs/reliability.md.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rpcEndpointCollector } from '../../src/endpoints/rpc/rpc-endpoint.js';
import { RpcProbeError } from '../../src/endpoints/rpc/rpc-probe-error.js';
import { parseConfig } from '../../src/config/load.js';
import { startAnvil, type AnvilNode } from '../../src/anvil/anvil.js';
import { systemClock } from '../../src/domain/clock.js';
import { rpcErrorClasses, type RpcEndpointTarget } from '../../src/domain/rpc.js';
import { startHostileProcess, type HostileProcess } from '../helpers/hostile-process.js';
import { hostileRpcKinds } from '../helpers/hostile-rpc.js';
import { startCapturedService, tempDir, waitFor, type CapturedService } from '../helpers/service.js';

const rounds = 3;
// Generous: on a loaded machine a 10 MB read can take a while, and only the silent kinds should time out.
const timeoutMs = 4_000;
const serviceTimeoutMs = 3_000;
/**
 * Answers whose cost is the probe's own CPU (inflating a gzip bomb, parsing a huge body): on a machine whose
 * cores are busy with other work the probe can pass its timeout first, which is then the true verdict. For
 * these kinds a `timeout` stands for their class in the running service's checks.
 */
const cpuBound = new Set(['gzip-bomb', 'body-50mb', 'array-of-million']);
const classOf = (kind: string, errorClass: string | null) =>
  cpuBound.has(kind) && errorClass === 'timeout'
    ? (hostileRpcKinds.find((each) => each.name === kind)?.expect ?? errorClass)
    : errorClass;
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => void unhandled.push(reason);

let anvil: AnvilNode;
let hostile: HostileProcess;
let service: CapturedService | undefined;

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  anvil = await startAnvil({ blockTimeSeconds: 1 });
  hostile = await startHostileProcess('rpc');
}, 60_000);

afterAll(async () => {
  process.off('unhandledRejection', onUnhandled);
  await service?.stop();
  await hostile?.close();
  await anvil?.stop();
});

function target(endpoint: string, url: string): RpcEndpointTarget {
  return {
    chain: 'local',
    endpoint,
    url,
    headers: { 'X-Api-Key': 'HOSTILE-KEY-NOT-TO-SHOW' },
    expectedChainId: 31337,
    timeoutMs,
    labels: {},
  };
}

function probeOf(endpoint: string, url: string) {
  return rpcEndpointCollector.createProbe(target(endpoint, url), {
    clock: systemClock,
    shutdownSignal: new AbortController().signal,
  });
}

const megabytes = () => Math.round(process.memoryUsage().rss / 1_048_576);

function tally(values: Iterable<string>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}

describe('the RPC probe against a hostile JSON-RPC server', () => {
  it(`ends each of ${hostileRpcKinds.length} kinds of bad answer ` +
    `as its typed error, while anvil stays healthy`, async () => {
    expect(hostileRpcKinds.length).toBeGreaterThanOrEqual(40);
    const control = await probeOf('control', hostile.urls.control!).run();
    expect(control).toMatchObject({ ok: true, chainId: 31337, headBlock: 1 });

    // One probe per kind, kept across rounds as the service keeps it (batch refusals are remembered).
    const probes = hostileRpcKinds.map((kind) => ({ kind, probe: probeOf(kind.name, hostile.urls[kind.name]!) }));
    const honest = probeOf('honest', anvil.url);
    const seen: string[] = [];
    const honestRuns: boolean[] = [];
    const rss: number[] = [megabytes()];
    for (let round = 0; round < rounds; round++) {
      let hostileDone = false;
      // anvil is probed again and again for as long as the hostile probes run.
      const honestLoop = (async () => {
        do {
          honestRuns.push((await honest.run()).ok);
          await new Promise((resolve) => setTimeout(resolve, 100));
        } while (!hostileDone);
      })();
      const outcomes = await Promise.all(
        probes.map(async ({ kind, probe }) => {
          const startedAt = Date.now();
          const started = performance.now();
          const error = await probe.run().then(
            () => undefined,
            (thrown: unknown) => thrown,
          );
          return { kind, error, startedAt, durationMs: performance.now() - started };
        }),
      );
      hostileDone = true;
      await honestLoop;
      for (const { kind, error, startedAt, durationMs } of outcomes) {
        expect(error, kind.name).toBeInstanceOf(RpcProbeError);
        const failure = error as RpcProbeError;
        expect([kind.name, failure.errorClass]).toEqual([kind.name, kind.expect]);
        expect(durationMs, kind.name).toBeLessThan(timeoutMs + 2_000);
        const recorded = rpcEndpointCollector.failure(target(kind.name, ''), failure, startedAt, durationMs);
        expect(recorded).toMatchObject({ endpoint: kind.name, ok: false, errorClass: kind.expect });
        expect(recorded!.errorMessage!.length).toBeLessThanOrEqual(300);
        expect(recorded!.errorMessage).not.toContain('/rpc/');
        expect(recorded!.errorMessage).not.toContain('HOSTILE-KEY');
        seen.push(failure.errorClass);
      }
      rss.push(megabytes());
    }
    expect(honestRuns.length).toBeGreaterThanOrEqual(rounds);
    expect(honestRuns.every(Boolean)).toBe(true);
    expect(unhandled).toEqual([]);
    expect(new Set(seen).size).toBeGreaterThanOrEqual(6);
    for (const errorClass of seen) expect(rpcErrorClasses).toContain(errorClass);
    // Bounded: what one round holds is given back, so later rounds do not add to it.
    expect(Math.max(...rss.slice(2)) - rss[1]!).toBeLessThan(200);
    console.log(
      JSON.stringify({
        suite: 'hostile JSON-RPC server, probes',
        kinds: hostileRpcKinds.length,
        rounds,
        probes: seen.length,
        errorClasses: tally(seen),
        honestProbes: { ok: honestRuns.filter(Boolean).length, failed: honestRuns.filter((ok) => !ok).length },
        answersByStatus: (await hostile.figures()).statuses,
        rssMegabytes: rss,
      }),
    );
  }, 60_000);

  it.each(['body-50mb', 'gzip-bomb'])(
    'fetches a too-large answer (%s) once per probe, not again one call at a time',
    async (name) => {
      const before = (await hostile.figures()).served[name] ?? 0;
      const error = await probeOf(name, hostile.urls[name]!)
        .run()
        .then(
          () => undefined,
          (thrown: unknown) => thrown,
        );
      expect(error).toMatchObject({ errorClass: 'invalid_response', shortMessage: 'response body too large' });
      expect(((await hostile.figures()).served[name] ?? 0) - before).toBe(1);
    },
  );

  it('shows each hostile endpoint of a running service with ' +
    'its error class, and anvil healthy throughout', async () => {
    const servedBefore = (await hostile.figures()).served;
    const config = parseConfig(
      JSON.stringify({
        server: { host: '127.0.0.1', port: 0 },
        storage: { path: join(tempDir(), 'ere.db'), flushInterval: '200ms' },
        log: { level: 'info' },
        chains: [
          {
            id: 'local',
            chainId: 31337,
            pollInterval: '4s',
            timeout: `${serviceTimeoutMs}ms`,
            rpc: [
              { id: 'honest', url: anvil.url },
              ...hostileRpcKinds.map((kind) => ({
                id: kind.name,
                url: hostile.urls[kind.name]!,
                headers: { 'X-Api-Key': 'HOSTILE-KEY-NOT-TO-SHOW' },
              })),
            ],
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
    const endpoints = async () =>
      (
        (await running.app.inject({ method: 'GET', url: '/api/v1/chains/local' })).json() as {
          endpoints: EndpointState[];
        }
      ).endpoints;
    const expected = new Map(hostileRpcKinds.map((kind) => [kind.name, kind.expect]));
    const honestStates: boolean[] = [];
    let reads = 0;
    // Every hostile endpoint shows its own class at every read once probed; anvil is healthy at every read.
    await waitFor(
      async () => {
        const states = await endpoints();
        reads++;
        const honest = states.find((state) => state.id === 'honest')!;
        if (honest.lastProbeAt !== null) honestStates.push(honest.up && honest.healthy);
        for (const state of states) {
          if (state.id === 'honest' || state.lastProbeAt === null) continue;
          expect([state.id, classOf(state.id, state.errorClass), state.up]).toEqual([
            state.id,
            expected.get(state.id),
            false,
          ]);
          expect(state.errorMessage).not.toContain('HOSTILE-KEY');
        }
        return (
          states.every((state) => state.id === 'honest' || state.lastProbeAt !== null) &&
          honestStates.length >= 10 &&
          hostileServedAgain(servedBefore, (await hostile.figures()).served)
        );
      },
      45_000,
      'every hostile endpoint probed and answered twice, and anvil read ten times',
    );
    expect(honestStates.every(Boolean)).toBe(true);
    // Every stored probe of a hostile endpoint has that endpoint's class, and each has at least two.
    type Sample = { ok: boolean; healthy: boolean; errorClass: string | null };
    const samplesOf = async (id: string) =>
      (
        (await running.app.inject({ method: 'GET', url: `/api/v1/endpoints/${id}/samples?limit=1000` })).json() as {
          samples: Sample[];
        }
      ).samples;
    const stored = await waitFor(
      async () => {
        const all = await Promise.all(hostileRpcKinds.map(async (kind) => [kind, await samplesOf(kind.name)] as const));
        return all.every(([, samples]) => samples.length >= 2) && all;
      },
      30_000,
      'two stored samples of every hostile endpoint',
    );
    for (const [kind, samples] of stored)
      expect([
        kind.name,
        [...new Set(samples.map((sample) => `${sample.ok}:${classOf(kind.name, sample.errorClass)}`))],
      ]).toEqual([kind.name, [`false:${kind.expect}`]]);
    expect((await samplesOf('honest')).every((sample) => sample.ok && sample.healthy)).toBe(true);
    const honestView = (
      await running.app.inject({ method: 'GET', url: '/api/v1/endpoints/honest' })
    ).json() as EndpointState;
    expect(honestView).toMatchObject({ up: true, healthy: true, errorClass: null });
    expect((await running.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    expect(unhandled).toEqual([]);
    expect(running.logLines.join('\n')).not.toContain('HOSTILE-KEY');
    const states = await endpoints();
    const figures = await hostile.figures();
    console.log(
      JSON.stringify({
        suite: 'hostile JSON-RPC server, running service',
        endpoints: states.length,
        apiReads: reads,
        storedHostileSamples: stored.reduce((sum, [, samples]) => sum + samples.length, 0),
        honestHealthyReads: honestStates.length,
        errorClasses: tally(states.filter((state) => state.id !== 'honest').map((state) => state.errorClass ?? 'none')),
        answersServedPerKind: figures.served,
        answersByStatus: figures.statuses,
        rssMegabytes: megabytes(),
      }),
    );
  }, 60_000);
});

/** Each kind answered at least twice more since the service started. */
function hostileServedAgain(before: Record<string, number>, now: Record<string, number>): boolean {
  return hostileRpcKinds.every((kind) => (now[kind.name] ?? 0) - (before[kind.name] ?? 0) >= 2);
}
