// API abuse: the real service on loopback, every route of its own OpenAPI document fed malicious and
// random path parameters, query strings, bodies, content types, methods and tokens over HTTP, and requests
// that are not HTTP at all on a raw socket. The inputs come from a seeded PRNG (ERE_ABUSE_SEED replays a
// run). No answer is a 5xx; every 4xx is the error body docs/api.md documents, a 400 naming its field;
// no answer echoes the token; /healthz and /readyz still answer afterwards. The counts are printed.

import { Agent, request as httpRequest } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseConfig } from '../../src/config/load.js';
import { startCapturedService, tempDir, waitFor, type CapturedService } from '../helpers/service.js';
import {
  hostileBodies,
  hostileQueries,
  hostileSegments,
  hostileValues,
  randomBody,
  seededRandom,
  type Body,
  type JsonSchema,
  type Random,
} from './api-abuse-inputs.js';
import { rawRequests, sendRaw } from './api-abuse-raw.js';

const token = 'abuse-token-0123456789abcdef';
const seed = Number(process.env.ERE_ABUSE_SEED ?? 20_261_207);
const randomPerRoute = 80;

/** The error body as docs/api.md states it, written here rather than imported from the code under test. */
const documentedError = z.strictObject({
  error: z.enum(['bad_request', 'unauthorized', 'forbidden', 'not_found', 'not_ready', 'internal_error']),
  message: z.string().min(1),
  field: z
    .string()
    .regex(/^(params|query|body)(\.|\[|$)/)
    .optional(),
});

interface Operation {
  key: string;
  method: string;
  template: string;
  pathParams: string[];
  query: { name: string; schema: JsonSchema }[];
  body?: JsonSchema;
  write: boolean;
}

interface Sent {
  operation: string;
  method: string;
  path: string;
  authorization?: string;
  body?: Body;
}

interface Answer {
  status: number;
  contentType: string;
  text: string;
  ms: number;
}

let service: CapturedService;
let port: number;
const agent = new Agent({ keepAlive: true, maxSockets: 4 });

function send(sent: Sent): Promise<Answer> {
  const headers: Record<string, string> = {
    ...(sent.authorization !== undefined ? { authorization: sent.authorization } : {}),
    ...sent.body?.headers,
  };
  if (sent.body?.contentType !== undefined) headers['content-type'] = sent.body.contentType;
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      { host: '127.0.0.1', port, method: sent.method, path: sent.path, headers, agent },
      (incoming) => {
        const chunks: Buffer[] = [];
        incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
        incoming.on('error', reject);
        incoming.on('end', () =>
          resolve({
            status: incoming.statusCode ?? 0,
            contentType: String(incoming.headers['content-type'] ?? ''),
            text: Buffer.concat(chunks).toString(),
            ms: performance.now() - started,
          }),
        );
      },
    );
    outgoing.on('error', reject);
    outgoing.end(sent.body?.payload);
  });
}

/** What is wrong with an answer, or undefined. */
function problemWith(sent: Sent, answer: Answer): string | undefined {
  if (answer.status >= 500) return `status ${answer.status}`;
  if (answer.text.includes(token)) return 'the token is echoed';
  if (sent.method === 'HEAD') return undefined;
  const isJson = answer.contentType.startsWith('application/json');
  if (answer.status >= 400) {
    if (!isJson) return `a ${answer.status} as ${answer.contentType || 'no content type'}`;
    let body: unknown;
    try {
      body = JSON.parse(answer.text);
    } catch {
      return `a ${answer.status} whose body is not JSON`;
    }
    const parsed = documentedError.safeParse(body);
    if (!parsed.success) return `a ${answer.status} not in the documented shape: ${parsed.error.issues[0]!.message}`;
    // Only Node's answer to bytes it cannot parse as HTTP has no field (documented so).
    if (
      answer.status === 400 &&
      parsed.data.field === undefined &&
      parsed.data.message !== 'the request is not valid HTTP/1.1'
    )
      return 'a 400 without field';
    return undefined;
  }
  if (isJson) {
    try {
      JSON.parse(answer.text);
    } catch {
      return `a ${answer.status} whose JSON body does not parse`;
    }
  }
  return undefined;
}

function operations(document: { paths: Record<string, Record<string, Record<string, unknown>>> }): Operation[] {
  return Object.entries(document.paths).flatMap(([template, methods]) =>
    Object.entries(methods).map(([method, operation]) => {
      const parameters = (operation.parameters ?? []) as { name: string; in: string; schema: JsonSchema }[];
      const body = (operation.requestBody as { content: Record<string, { schema: JsonSchema }> } | undefined)?.content[
        'application/json'
      ]?.schema;
      return {
        key: `${method.toUpperCase()} ${template}`,
        method: method.toUpperCase(),
        template,
        pathParams: parameters.filter((parameter) => parameter.in === 'path').map((parameter) => parameter.name),
        query: parameters.filter((parameter) => parameter.in === 'query').map(({ name, schema }) => ({ name, schema })),
        ...(body ? { body } : {}),
        write: operation.security !== undefined,
      };
    }),
  );
}

/** Values a route accepts, so that random requests also get past validation to the handlers. */
function plausibleValues(fingerprints: string[], silenceIds: string[], runbooks: string[]) {
  const now = Date.now();
  const instants = [
    '0',
    String(now),
    String(now - 3_600_000),
    new Date(now - 86_400_000).toISOString(),
    '2026-01-01',
    '9999-12-31T23:59:59.999Z',
  ];
  const path: Record<string, string[]> = {
    chain: ['c'],
    id: ['a', 'b', 'avail', '1', ...silenceIds],
    fingerprint: fingerprints,
    name: runbooks,
    target: ['dao', 'council', 'dao-timelock', 'bridge', 'whales'],
    index: ['0', '3', '9'],
    type: ['proposal', 'operation'],
  };
  const query: Record<string, string[]> = {
    from: instants,
    to: instants,
    since: instants,
    step: ['1m', '5m', '1h', '3600', '1d'],
    period: ['2026-10', '2026-11', '1970-01'],
    limit: ['1', '100', '1000', '10000'],
    incidents: ['0', '5', '50'],
    offset: ['0', '5', '1000000'],
    after: ['0', '1'],
    from_epoch: ['0', '10'],
    to_epoch: ['5', '100', '100000'],
    chain: ['c'],
    scope: ['watched', 'network', 'operator:kiln'],
    target: ['dao', 'council', 'dao,council'],
    fingerprint: fingerprints,
    receiver: ['hook'],
    matcher: ['large', 'none'],
  };
  return { path, query };
}

type Plausible = ReturnType<typeof plausibleValues>;
const authorizations = [
  undefined,
  `Bearer ${token}`,
  `bearer ${token}`,
  'Bearer wrong-token-0123456789',
  'Bearer',
  `Basic ${Buffer.from(`x:${token}`).toString('base64')}`,
  `Bearer ${token}x`,
  `Bearer ${'a'.repeat(10_000)}`,
];
const otherMethods = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD', 'TRACE'];

function pathOf(
  operation: Operation,
  values: Plausible,
  random: Random,
  hostile?: { param: string; segment: string },
): string {
  return operation.template.replace(/\{([A-Za-z_]+)\}/g, (_match, param: string) =>
    hostile?.param === param
      ? hostile.segment
      : hostile || random.chance(0.5)
        ? random.pick(values.path[param] ?? ['x'])
        : random.pick(hostileSegments),
  );
}

function plausibleQueryValue(name: string, schema: JsonSchema, values: Plausible, random: Random): string {
  const candidates = schema.enum ? (schema.enum as string[]) : (values.query[name] ?? ['x']);
  return encodeURIComponent(random.pick(candidates.length > 0 ? candidates : ['x']));
}

/** The named cases for one route (each hostile value in each place), then random mixes of them. */
function plan(operation: Operation, values: Plausible, random: Random): Sent[] {
  const goodAuth = operation.write ? `Bearer ${token}` : undefined;
  const sent: Sent[] = [];
  const add = (path: string, extra: Partial<Sent> = {}) =>
    sent.push({
      operation: operation.key,
      method: operation.method,
      path,
      ...(goodAuth ? { authorization: goodAuth } : {}),
      ...extra,
    });
  const bodies = operation.body ? hostileBodies(operation.body, random) : [];
  const validBody = (): Partial<Sent> => (operation.body ? { body: randomBody(operation.body, random, bodies) } : {});
  for (const param of operation.pathParams)
    for (const segment of hostileSegments) add(pathOf(operation, values, random, { param, segment }), validBody());
  const names = operation.query.map((parameter) => parameter.name);
  for (const { name } of operation.query)
    for (const value of hostileValues)
      add(`${pathOf(operation, values, random, { param: '', segment: '' })}?${name}=${value}`, validBody());
  for (const query of hostileQueries(names, random))
    add(`${pathOf(operation, values, random, { param: '', segment: '' })}?${query}`, validBody());
  for (const [index, body] of bodies.entries()) {
    add(pathOf(operation, values, random, { param: '', segment: '' }), { body });
    // Without the token the body must not even be read.
    if (index % 3 === 0)
      add(pathOf(operation, values, random, { param: '', segment: '' }), {
        body,
        authorization: random.pick(authorizations.filter((each) => !each?.includes(`earer ${token}`))) as string,
      });
  }
  if (operation.write)
    for (const authorization of authorizations)
      add(pathOf(operation, values, random, { param: '', segment: '' }), {
        ...validBody(),
        ...(authorization ? { authorization } : { authorization: '' }),
      });
  for (let index = 0; index < randomPerRoute; index += 1) {
    const query = operation.query
      .filter(() => random.chance(0.5))
      .map(({ name, schema }) => {
        const value = random.chance(0.6)
          ? plausibleQueryValue(name, schema, values, random)
          : random.pick(hostileValues);
        return `${name}=${value}`;
      });
    if (random.chance(0.1)) query.push(random.pick(hostileQueries(names, random)));
    const path = pathOf(operation, values, random) + (query.length > 0 ? `?${query.join('&')}` : '');
    const method = random.chance(0.92) ? operation.method : random.pick(otherMethods);
    const authorization = operation.write
      ? random.chance(0.75)
        ? goodAuth
        : random.pick(authorizations)
      : random.chance(0.1)
        ? random.pick(authorizations)
        : undefined;
    const body = operation.body
      ? randomBody(operation.body, random, bodies)
      : random.chance(0.05)
        ? random.pick(hostileBodies(undefined, random))
        : undefined;
    sent.push({
      operation: operation.key,
      method,
      path,
      ...(authorization ? { authorization } : {}),
      ...(body ? { body } : {}),
    });
  }
  return sent;
}

/** Sends everything, four at a time, and tallies the answers. */
async function sendAll(requests: readonly Sent[]) {
  const byStatus = new Map<number, number>();
  const byRoute = new Map<string, Map<number, number>>();
  const problems: string[] = [];
  let slowest = { ms: 0, what: '' };
  let next = 0;
  const worker = async () => {
    while (next < requests.length) {
      const sent = requests[next++]!;
      const answer = await send(sent).catch((error: Error) => ({
        status: -1,
        contentType: '',
        text: String(error),
        ms: 0,
      }));
      byStatus.set(answer.status, (byStatus.get(answer.status) ?? 0) + 1);
      const route = byRoute.get(sent.operation) ?? new Map<number, number>();
      route.set(answer.status, (route.get(answer.status) ?? 0) + 1);
      byRoute.set(sent.operation, route);
      if (answer.ms > slowest.ms) slowest = { ms: answer.ms, what: `${sent.method} ${sent.path.slice(0, 120)}` };
      const problem =
        answer.status === -1
          ? sent.method === 'GET' || sent.body
            ? undefined
            : `no answer: ${answer.text}`
          : problemWith(sent, answer);
      if (problem)
        problems.push(
          `${problem}: ${sent.method} ${sent.path.slice(0, 160)} ` +
            `${sent.body?.what ?? ''} -> ${answer.text.slice(0, 200)}`,
        );
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
  return { byStatus, byRoute, problems, slowest };
}

const tally = (counts: Map<number, number>) =>
  [...counts]
    .sort(([a], [b]) => a - b)
    .map(([status, count]) => `${status} ${count}`)
    .join(', ');

beforeAll(async () => {
  // A port nothing listens on: every endpoint and receiver fails at once, so alerts fire and are notified.
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const dead = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
  await new Promise((resolve) => closed.close(resolve));
  const address = (byte: string) => `0x${byte.repeat(20)}`;
  const config = parseConfig(
    JSON.stringify({
      server: { host: '127.0.0.1', port: 0, auth: { token } },
      storage: { path: join(tempDir('ere-abuse-'), 'ere.db'), flushInterval: '100ms' },
      log: { level: 'warn' },
      chains: [
        {
          id: 'c',
          chainId: 31337,
          pollInterval: '500ms',
          timeout: '250ms',
          rpc: [
            { id: 'a', url: `${dead}/a` },
            { id: 'b', url: `${dead}/b` },
          ],
          // So that the canary route has a canary to answer with.
          canary: { privateKey: `0x${'11'.repeat(32)}`, maxFeePerGas: 1 },
          beacon: { endpoints: [{ id: 'bn', url: `${dead}/bn` }] },
        },
      ],
      validators: {
        watch: [
          { chain: 'c', labels: { operator: 'kiln' }, indices: ['0-7'] },
          { chain: 'c', indices: [9] },
        ],
      },
      governance: [
        { kind: 'governor', id: 'dao', chain: 'c', address: address('11'), startBlock: 1 },
        { kind: 'timelock', id: 'dao-timelock', chain: 'c', address: address('22'), startBlock: 1 },
        { kind: 'safe', id: 'council', chain: 'c', address: address('33'), startBlock: 1 },
        { kind: 'proxy', id: 'bridge', chain: 'c', address: address('44'), startBlock: 1 },
        {
          kind: 'contract',
          id: 'whales',
          chain: 'c',
          address: address('55'),
          startBlock: 1,
          matchers: [{ name: 'large', event: 'Transfer(address,address,uint256)', where: 'value > 1e24' }],
        },
      ],
      alerting: {
        evaluationInterval: '1s',
        rules: [
          {
            name: 'EndpointDown',
            source: 'endpoint',
            metric: 'up',
            op: '==',
            threshold: 0,
            for: '0s',
            severity: 'warning',
          },
        ],
        receivers: [{ id: 'hook', kind: 'webhook', url: `${dead}/hook` }],
        route: { receiver: 'hook', groupWait: '0s' },
      },
      slos: [{ id: 'avail', service: 'rpc', objective: 99, sli: { kind: 'availability', chain: 'c' } }],
    }),
  );
  service = await startCapturedService(config);
  port = Number(new URL(service.url).port);
}, 60_000);

afterAll(async () => {
  agent.destroy();
  await service?.stop();
});

describe('API abuse', () => {
  it('answers every route of the OpenAPI document fed hostile ' +
    'input with no 5xx and only documented error bodies', async () => {
    const get = async (path: string) =>
      JSON.parse((await send({ operation: '', method: 'GET', path, authorization: `Bearer ${token}` })).text);
    const fingerprints = await waitFor(
      async () => {
        const { alerts } = (await get('/api/v1/alerts?state=firing')) as { alerts: { fingerprint: string }[] };
        return alerts.length >= 2 && alerts.map((alert) => alert.fingerprint);
      },
      30_000,
      'EndpointDown firing for both endpoints',
    );
    const endsAt = new Date(Date.now() + 3_600_000).toISOString();
    const silence = await send({
      operation: '',
      method: 'POST',
      path: '/api/v1/silences',
      authorization: `Bearer ${token}`,
      body: {
        what: 'silence',
        contentType: 'application/json',
        payload: JSON.stringify({
          matchers: [{ name: 'endpoint', value: 'b', isRegex: false }],
          endsAt,
          createdBy: 'ops',
          comment: 'abuse',
        }),
      },
    });
    const runbooks = ['rpc', 'rpc.md', 'validators', 'governance'];
    const values = plausibleValues(fingerprints, [(JSON.parse(silence.text) as { id: string }).id], runbooks);

    const document = (await get('/api/v1/openapi.json')) as Parameters<typeof operations>[0];
    const routes = operations(document);
    const random = seededRandom(seed);
    const requests = routes.flatMap((operation) => plan(operation, values, random));
    const started = performance.now();
    const { byStatus, byRoute, problems, slowest } = await sendAll(requests);
    const seconds = ((performance.now() - started) / 1_000).toFixed(1);

    const raw = { byStatus: new Map<string, number>(), problems: [] as string[] };
    for (const [what, bytes] of rawRequests(token)) {
      const answer = await sendRaw(port, bytes);
      const key = answer.status === undefined ? 'closed' : String(answer.status);
      raw.byStatus.set(key, (raw.byStatus.get(key) ?? 0) + 1);
      if (answer.status !== undefined && answer.status >= 500) raw.problems.push(`${what}: ${answer.status}`);
      else if (answer.status !== undefined && answer.status >= 400 && !documentedError.safeParse(answer.json).success)
        raw.problems.push(`${what}: ${answer.status} ${answer.body.slice(0, 200)}`);
    }

    const healthz = await send({ operation: '', method: 'GET', path: '/healthz' });
    const readyz = await send({ operation: '', method: 'GET', path: '/readyz' });
    console.log(
      [
        `api abuse (seed ${seed}): ${requests.length} requests to ${routes.length} ` +
          `routes in ${seconds} s; by status: ${tally(byStatus)}; ${problems.length} ` +
          `problems; slowest ${slowest.ms.toFixed(0)} ms (${slowest.what})`,
        ...[...byRoute].map(
          ([route, counts]) => `  ${route}: ${[...counts.values()].reduce((a, b) => a + b, 0)} (${tally(counts)})`,
        ),
        `  not HTTP: ${rawRequests(token).length} raw requests; ` +
          `by status: ${[...raw.byStatus].map(([status, count]) => `${status} ${count}`).join(', ')}; ` +
          `${raw.problems.length} problems`,
        `  after: /healthz ${healthz.status}, /readyz ${readyz.status}`,
      ].join('\n'),
    );
    expect(problems.slice(0, 20)).toEqual([]);
    expect(raw.problems).toEqual([]);
    expect([healthz.status, readyz.status]).toEqual([200, 200]);
    expect(routes.length).toBeGreaterThan(30);
    // Valid input reached the handlers of nearly every route, not only the validation in front of them.
    const answered = [...byRoute].filter(([, counts]) =>
      [...counts.keys()].some((status) => status >= 200 && status < 300),
    );
    expect(answered.length).toBeGreaterThanOrEqual(routes.length - 4);
  }, 120_000);
});
