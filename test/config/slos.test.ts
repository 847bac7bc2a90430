import { describe, expect, it } from 'vitest';
import { type ConfigError, parseConfig, type ConfigProblem } from '../../src/config/load.js';
import { resolveSlos } from '../../src/config/slos.js';
import { dayMs, hourMs, minuteMs } from '../../src/slo/window.js';

const chains = `
chains:
  - id: mainnet
    chainId: 1
    rpc:
      - { id: alchemy, url: "https://a.example.com", labels: { provider: alchemy, tier: paid } }
      - { id: infura, url: "https://b.example.com", labels: { provider: infura, tier: paid } }
      - { id: own, url: "https://c.example.com", labels: { provider: self } }
`;

function problemsOf(slos: string): ConfigProblem[] {
  try {
    parseConfig(`${chains}\nslos:\n${slos}`);
  } catch (error) {
    return (error as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('SLO config', () => {
  it('resolves an SLO with defaults: 30-day window, occurrences, the Workbook tiers', () => {
    const config = parseConfig(
      `${chains}\nslos:\n  - { id: avail, service: rpc, objective: 99.9, sli: { ` +
        `kind: availability, chain: mainnet, labels: { tier: paid } } }\n`,
    );
    const [slo] = resolveSlos(config);
    expect(slo).toMatchObject({
      id: 'avail',
      objective: 0.999,
      objectivePercent: 99.9,
      window: { kind: 'rolling', durationMs: 30 * dayMs },
      budgeting: 'occurrences',
      timesliceObjective: 0.999,
      sli: {
        kind: 'availability',
        selection: { chain: 'mainnet', endpoints: ['alchemy', 'infura'] },
        query: { table: 'rpc_rollups_1m' },
      },
      alerting: { enabled: true, minValidEvents: 20 },
    });
    expect(slo!.alerting.tiers.map((tier) => tier.burnRate)).toEqual([14.4, 6, 3, 1]);
  });

  it('takes a calendar month, kind parameters and tier overrides', () => {
    const config = parseConfig(`${chains}
slos:
  - id: fast
    service: rpc
    objective: 99
    window: month
    budgeting: timeslices
    timesliceObjective: 90
    sli: { kind: latency, chain: mainnet, endpoints: [own], thresholdMs: 250 }
    alerting: { minValidEvents: 5, tiers: [{ severity: page, burnRate: 10, longWindow: 1h, shortWindow: 5m }] }
`);
    expect(resolveSlos(config)[0]).toMatchObject({
      window: { kind: 'calendar', unit: 'month' },
      timesliceObjective: 0.9,
      sli: { selection: { endpoints: ['own'] }, query: { good: 'ok_latency_le_250_ms' } },
      alerting: {
        minValidEvents: 5,
        tiers: [{ severity: 'page', burnRate: 10, longWindowMs: hourMs, shortWindowMs: 5 * minuteMs }],
      },
    });
  });

  it('alert windows are whole minutes, and the label names ERE sets are reserved', () => {
    expect(
      problemsOf(`
  - id: a
    service: rpc
    objective: 99
    sli: { kind: availability, chain: mainnet }
    labels: { __name: x, sloth_id: y, severity: z, team: ok }
    alerting: { tiers: [{ severity: page, burnRate: 10, longWindow: 90s, shortWindow: 30s }, { severity: ticket,
        burnRate: 2, longWindow: 90m, shortWindow: 1500ms }] }
`),
    ).toEqual([
      { path: 'slos[0].labels.__name', message: expect.stringMatching(/^is reserved/) },
      { path: 'slos[0].labels.sloth_id', message: expect.stringMatching(/^is reserved/) },
      { path: 'slos[0].labels.severity', message: expect.stringMatching(/^is reserved/) },
      {
        path: 'slos[0].alerting.tiers[0].longWindow',
        message: expect.stringMatching(/^must be a whole number of minutes/),
      },
      {
        path: 'slos[0].alerting.tiers[0].shortWindow',
        message: expect.stringMatching(/^must be a whole number of minutes/),
      },
      {
        path: 'slos[0].alerting.tiers[1].shortWindow',
        message: expect.stringMatching(/^must be a whole number of minutes/),
      },
    ]);
  });

  it('reports every problem by path', () => {
    expect(
      problemsOf(`
  - { id: a, service: rpc, objective: 100, window: 2w, sli: { kind: latency, chain: mainnet, thresholdMs: 300,
      colour: red } }
  - { id: a, service: rpc, objective: 99, sli: { kind: uptime, chain: mainnet } }
  - { id: b, service: rpc, objective: 99, sli: { kind: freshness, chain: mainnet, endpoints: [nope], maxLagBlocks: 3 } }
  - { id: c, service: rpc, objective: 99, sli: { kind: availability, chain: goerli } }
  - { id: d, service: rpc, objective: 99, sli: { kind: redundancy, chain: mainnet, labels: { provider: quicknode },
      minHealthyEndpoints: 2 } }
`),
    ).toEqual(
      expect.arrayContaining([
        { path: 'slos[0].objective', message: expect.stringMatching(/<100/) },
        { path: 'slos[0].window', message: expect.stringMatching(/^must be a rolling window in days/) },
        {
          path: 'slos[0].sli.thresholdMs',
          message: expect.stringMatching(/^must be one of the rollup latency bounds: 25, 50/),
        },
        { path: 'slos[0].sli.colour', message: 'unknown key' },
        { path: 'slos[1].sli.kind', message: expect.stringMatching(/availability/) },
      ]),
    );
    const references = problemsOf(`
  - { id: a, service: rpc, objective: 99, sli: { kind: availability, chain: mainnet } }
  - { id: a, service: rpc, objective: 99, sli: { kind: freshness, chain: mainnet, endpoints: [nope], maxLagBlocks: 3,
      maxHeadAgeSeconds: 30 } }
  - { id: c, service: rpc, objective: 99, sli: { kind: availability, chain: goerli } }
  - { id: d, service: rpc, objective: 99, sli: { kind: redundancy, chain: mainnet, labels: { provider: quicknode },
      minHealthyEndpoints: 2 } }
  - { id: e, service: rpc, objective: 99, sli: { kind: freshness, chain: mainnet, maxLagBlocks: 3 } }
`);
    expect(references).toHaveLength(5);
    expect(references).toEqual(
      expect.arrayContaining([
        { path: 'slos[1].id', message: 'duplicate SLO id "a"' },
        { path: 'slos[1].sli.endpoints[0]', message: 'no endpoint "nope" on chain "mainnet"' },
        { path: 'slos[2].sli.chain', message: 'no chain "goerli"' },
        { path: 'slos[3].sli.labels', message: 'matches no endpoint of the chain' },
        { path: 'slos[4].sli.maxHeadAgeSeconds', message: 'is required' },
      ]),
    );
  });
});
