import { describe, expect, it } from 'vitest';
import { parseMatcher } from '../../src/alerting/matchers.js';
import {
  checkRouteTree,
  groupOf,
  routeAlert,
  type ResolvedRoute,
  type RouteNode,
} from '../../src/alerting/route-tree.js';

type RouteSpec = Omit<Partial<RouteNode>, 'matchers' | 'routes'> & { matchers?: string[]; routes?: RouteSpec[] };

function route(spec: RouteSpec): RouteNode {
  return {
    ...spec,
    matchers: (spec.matchers ?? []).map(parseMatcher),
    continue: spec.continue ?? false,
    routes: (spec.routes ?? []).map(route),
  };
}

const minute = 60_000;

// Alertmanager's doc/examples/simple.yml, timings in ms.
const simple = route({
  groupBy: ['alertname', 'cluster', 'service'],
  groupWaitMs: 30_000,
  groupIntervalMs: 5 * minute,
  repeatIntervalMs: 180 * minute,
  receiver: 'team-X-mails',
  routes: [
    {
      matchers: ['service=~"foo1|foo2|baz"'],
      receiver: 'team-X-mails',
      routes: [{ matchers: ['severity="critical"'], receiver: 'team-X-pager' }],
    },
    {
      matchers: ['service="files"'],
      receiver: 'team-Y-mails',
      routes: [{ matchers: ['severity="critical"'], receiver: 'team-Y-pager' }],
    },
    {
      matchers: ['service="database"'],
      receiver: 'team-DB-pager',
      groupBy: ['alertname', 'cluster', 'database'],
      routes: [
        { matchers: ['owner="team-X"'], receiver: 'team-X-pager', continue: true },
        { matchers: ['owner="team-Y"'], receiver: 'team-Y-pager' },
      ],
    },
  ],
});

const simpleTimings = { groupWaitMs: 30_000, groupIntervalMs: 5 * minute, repeatIntervalMs: 180 * minute };
const byService = ['alertname', 'cluster', 'service'];
const byDatabase = ['alertname', 'cluster', 'database'];

describe("routeAlert on Alertmanager's example tree", () => {
  it.each([
    {
      labels: { service: 'foo1', severity: 'warning' },
      expected: [{ receiver: 'team-X-mails', path: '0', groupBy: byService }],
    },
    {
      labels: { service: 'baz', severity: 'critical' },
      expected: [{ receiver: 'team-X-pager', path: '0/0', groupBy: byService }],
    },
    {
      labels: { service: 'files', severity: 'critical' },
      expected: [{ receiver: 'team-Y-pager', path: '1/0', groupBy: byService }],
    },
    { labels: { service: 'files' }, expected: [{ receiver: 'team-Y-mails', path: '1', groupBy: byService }] },
    // No child of the database route matches: the database route itself, not the root.
    { labels: { service: 'database' }, expected: [{ receiver: 'team-DB-pager', path: '2', groupBy: byDatabase }] },
    {
      labels: { service: 'database', owner: 'team-Y' },
      expected: [{ receiver: 'team-Y-pager', path: '2/1', groupBy: byDatabase }],
    },
    // `continue` tries the next sibling, which does not match: still one route, and not the parent.
    {
      labels: { service: 'database', owner: 'team-X' },
      expected: [{ receiver: 'team-X-pager', path: '2/0', groupBy: byDatabase }],
    },
    // Nothing matches: the root.
    { labels: { service: 'other' }, expected: [{ receiver: 'team-X-mails', path: '', groupBy: byService }] },
    { labels: {}, expected: [{ receiver: 'team-X-mails', path: '', groupBy: byService }] },
    // Anchored: `foo1x` is not `foo1`.
    {
      labels: { service: 'foo1x', severity: 'critical' },
      expected: [{ receiver: 'team-X-mails', path: '', groupBy: byService }],
    },
  ] as { labels: Record<string, string>; expected: Partial<ResolvedRoute>[] }[])('$labels', ({ labels, expected }) => {
    expect(routeAlert(simple, labels)).toEqual(expected.map((item) => ({ ...item, ...simpleTimings })));
  });
});

const receiversOf = (routes: ResolvedRoute[]) => routes.map((item) => `${item.receiver}@${item.path}`);

describe('routeAlert: siblings and continue', () => {
  const tree = route({
    receiver: 'default',
    routes: [
      { matchers: ['team="a"'], receiver: 'a', continue: true },
      { matchers: ['severity="page"'], receiver: 'pager' },
      { matchers: ['team="a"'], receiver: 'a-again' },
      { matchers: ['team=~".+"'], receiver: 'any-team', continue: true },
      { matchers: ['env="prod"'], receiver: 'prod', continue: true },
    ],
  });

  it.each([
    // The first matching child with continue, then the next match, which stops the search.
    { labels: { team: 'a', severity: 'page' }, expected: ['a@0', 'pager@1'] },
    { labels: { team: 'a' }, expected: ['a@0', 'a-again@2'] },
    // The first match without continue stops, though later siblings match.
    { labels: { severity: 'page', team: 'b', env: 'prod' }, expected: ['pager@1'] },
    // A run of continue routes, each taken.
    { labels: { team: 'b', env: 'prod' }, expected: ['any-team@3', 'prod@4'] },
    { labels: { env: 'prod' }, expected: ['prod@4'] },
    // A matched continue route still counts: the parent is not added after it.
    { labels: { team: 'c' }, expected: ['any-team@3'] },
    { labels: { env: 'dev' }, expected: ['default@'] },
  ] as { labels: Record<string, string>; expected: string[] }[])('$labels → $expected', ({ labels, expected }) => {
    expect(receiversOf(routeAlert(tree, labels))).toEqual(expected);
  });

  it('matches a continue route found deeper down and its siblings', () => {
    const nested = route({
      receiver: 'root',
      routes: [
        {
          matchers: ['chain="eth"'],
          receiver: 'eth',
          continue: true,
          routes: [{ matchers: ['severity="page"'], receiver: 'eth-pager' }],
        },
        { matchers: ['severity="page"'], receiver: 'pager' },
      ],
    });
    expect(receiversOf(routeAlert(nested, { chain: 'eth', severity: 'page' }))).toEqual(['eth-pager@0/0', 'pager@1']);
    expect(receiversOf(routeAlert(nested, { chain: 'eth' }))).toEqual(['eth@0']);
  });

  it('ignores matchers on the root, which matches every alert', () => {
    expect(receiversOf(routeAlert(route({ receiver: 'root', matchers: ['a="never"'] }), { a: 'x' }))).toEqual([
      'root@',
    ]);
  });
});

describe('routeAlert: inheritance', () => {
  const tree = route({
    receiver: 'root',
    routes: [
      {
        matchers: ['chain="eth"'],
        groupBy: ['chain'],
        groupWaitMs: 1_000,
        routes: [
          {
            matchers: ['severity="page"'],
            receiver: 'pager',
            repeatIntervalMs: 10 * minute,
            routes: [
              {
                matchers: ['scope="endpoint"'],
                groupBy: ['...'],
                routes: [{ matchers: ['endpoint="e1"'], groupBy: [] }],
              },
            ],
          },
        ],
      },
    ],
  });
  const defaults = {
    groupBy: ['alertname'],
    groupWaitMs: 30_000,
    groupIntervalMs: 300_000,
    repeatIntervalMs: 4 * 3_600_000,
  };

  it.each([
    { labels: {}, expected: { receiver: 'root', path: '', ...defaults } },
    {
      labels: { chain: 'eth' },
      expected: { receiver: 'root', path: '0', ...defaults, groupBy: ['chain'], groupWaitMs: 1_000 },
    },
    {
      labels: { chain: 'eth', severity: 'page' },
      expected: {
        receiver: 'pager',
        path: '0/0',
        ...defaults,
        groupBy: ['chain'],
        groupWaitMs: 1_000,
        repeatIntervalMs: 10 * minute,
      },
    },
    {
      labels: { chain: 'eth', severity: 'page', scope: 'endpoint' },
      expected: {
        receiver: 'pager',
        path: '0/0/0',
        ...defaults,
        groupBy: 'all',
        groupWaitMs: 1_000,
        repeatIntervalMs: 10 * minute,
      },
    },
    // An explicit empty group_by is kept: one group for the route.
    {
      labels: { chain: 'eth', severity: 'page', scope: 'endpoint', endpoint: 'e1' },
      expected: {
        receiver: 'pager',
        path: '0/0/0/0',
        ...defaults,
        groupBy: [],
        groupWaitMs: 1_000,
        repeatIntervalMs: 10 * minute,
      },
    },
  ] as { labels: Record<string, string>; expected: ResolvedRoute }[])('$labels', ({ labels, expected }) => {
    expect(routeAlert(tree, labels)).toEqual([expected]);
  });

  it('takes the defaults given', () => {
    const custom = { groupBy: 'all' as const, groupWaitMs: 1, groupIntervalMs: 2, repeatIntervalMs: 3 };
    expect(routeAlert(route({ receiver: 'r' }), {}, custom)).toEqual([{ receiver: 'r', path: '', ...custom }]);
  });
});

describe('groupOf', () => {
  const resolved = (fields: Partial<ResolvedRoute>): ResolvedRoute => ({
    receiver: 'slack',
    groupBy: ['alertname', 'chain'],
    groupWaitMs: 0,
    groupIntervalMs: 1,
    repeatIntervalMs: 1,
    path: '0/2',
    ...fields,
  });
  const labels = { alertname: 'RpcDown', chain: 'eth', endpoint: 'e1', note: 'say "hi"' };

  it.each([
    {
      route: resolved({}),
      key: '0/2:"slack":{alertname="RpcDown",chain="eth"}',
      groupLabels: { alertname: 'RpcDown', chain: 'eth' },
    },
    // Sorted by name whatever the config's order.
    {
      route: resolved({ groupBy: ['chain', 'alertname'] }),
      key: '0/2:"slack":{alertname="RpcDown",chain="eth"}',
      groupLabels: { alertname: 'RpcDown', chain: 'eth' },
    },
    // A label the alert lacks is left out.
    { route: resolved({ groupBy: ['chain', 'slo'] }), key: '0/2:"slack":{chain="eth"}', groupLabels: { chain: 'eth' } },
    { route: resolved({ groupBy: [] }), key: '0/2:"slack":{}', groupLabels: {} },
    {
      route: resolved({ groupBy: 'all', path: '' }),
      key: ':"slack":{alertname="RpcDown",chain="eth",endpoint="e1",note="say \\"hi\\""}',
      groupLabels: labels,
    },
  ])('$key', ({ route: resolvedRoute, key, groupLabels }) => {
    expect(groupOf(resolvedRoute, labels)).toEqual({ key, groupLabels });
  });

  it('differs between routes and between receivers, for the same labels', () => {
    const keys = [resolved({}), resolved({ path: '0/3' }), resolved({ receiver: 'pager' })].map(
      (item) => groupOf(item, labels).key,
    );
    expect(new Set(keys).size).toBe(3);
  });

  it('treats an empty label as a missing one', () => {
    expect(groupOf(resolved({}), { alertname: 'A', chain: '' }).key).toBe(
      groupOf(resolved({}), { alertname: 'A' }).key,
    );
  });
});

describe('checkRouteTree', () => {
  const receivers = new Set(['default', 'pager']);

  it.each([
    {
      name: 'a valid tree',
      spec: {
        receiver: 'default',
        routes: [{ matchers: ['a="b"'], receiver: 'pager', routes: [{ matchers: ['c=~"d|e"'] }] }],
      },
      problems: [],
    },
    {
      name: 'no root receiver',
      spec: { routes: [{ receiver: 'pager' }] },
      problems: [{ path: ['receiver'], message: expect.stringContaining('must name a receiver') }],
    },
    {
      name: 'an unknown root receiver',
      spec: { receiver: 'nope' },
      problems: [{ path: ['receiver'], message: 'unknown receiver "nope"' }],
    },
    {
      name: 'an unknown receiver deeper down',
      spec: {
        receiver: 'default',
        routes: [{ receiver: 'pager' }, { receiver: 'pager', routes: [{}, { receiver: 'email' }] }],
      },
      problems: [{ path: ['routes', 1, 'routes', 1, 'receiver'], message: 'unknown receiver "email"' }],
    },
    {
      name: 'root matchers',
      spec: { receiver: 'default', matchers: ['a="b"'] },
      problems: [{ path: ['matchers'], message: expect.stringContaining('must not have matchers') }],
    },
    {
      name: 'root continue',
      spec: { receiver: 'default', continue: true },
      problems: [{ path: ['continue'], message: expect.stringContaining('cannot continue') }],
    },
    {
      name: 'a bad regex',
      spec: { receiver: 'default', routes: [{}] },
      edit: (node: RouteNode) => node.routes[0]!.matchers.push({ name: 'a', value: '(', isRegex: true, isEqual: true }),
      problems: [{ path: ['routes', 0, 'matchers', 0], message: expect.stringContaining('invalid regex') }],
    },
    {
      name: '... with other labels',
      spec: { receiver: 'default', routes: [{ groupBy: ['...', 'chain'] }] },
      problems: [
        { path: ['routes', 0, 'groupBy'], message: expect.stringContaining('cannot be listed with other labels') },
      ],
    },
    {
      name: 'a duplicate and an invalid group_by label',
      spec: { receiver: 'default', groupBy: ['chain', 'bad-name', 'chain'] },
      problems: [
        { path: ['groupBy', 1], message: 'invalid label name "bad-name"' },
        { path: ['groupBy', 2], message: 'duplicate label "chain"' },
      ],
    },
    {
      name: 'zero intervals and a negative wait',
      spec: { receiver: 'default', routes: [{ groupIntervalMs: 0, repeatIntervalMs: 0, groupWaitMs: -1 }] },
      problems: [
        { path: ['routes', 0, 'groupWaitMs'], message: 'must not be negative' },
        { path: ['routes', 0, 'groupIntervalMs'], message: 'must be more than zero' },
        { path: ['routes', 0, 'repeatIntervalMs'], message: 'must be more than zero' },
      ],
    },
  ] as { name: string; spec: RouteSpec; edit?: (node: RouteNode) => void; problems: unknown[] }[])(
    '$name',
    ({ spec, edit, problems }) => {
      const tree = route(spec);
      edit?.(tree);
      expect(checkRouteTree(tree, receivers)).toEqual(problems);
    },
  );
});
