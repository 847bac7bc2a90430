// The beacon alert source over a tracker fed with observations: each rule's condition in a table of chain
// states (unknown on no data), and through the alert engine the firing after `for`, the reasons in the
// description, holding on stale data, severities and labels.

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BeaconObservation } from '../../../src/domain/beacon.js';
import { fixedClock } from '../../../src/domain/clock.js';
import { AlertEngine } from '../../../src/alerting/alert-engine.js';
import type { AlertRule } from '../../../src/alerting/alert-rule.js';
import {
  beaconAlertDefaults,
  beaconAlertNames,
  beaconBuiltInRules,
  beaconDefaultSeverities,
  type BeaconAlertsConfig,
} from '../../../src/alerting/built-in-rules.js';
import type { BeaconHealthReader } from '../../../src/alerting/sources/threshold-rule.js';
import type { BeaconEndpointTarget } from '../../../src/domain/beacon.js';
import { thresholdRulesOf } from '../../../src/alerting/threshold-rules.js';
import { BeaconTracker } from '../../../src/endpoints/beacon/beacon-tracker.js';
import { openDatabase } from '../../../src/store/database.js';
import { tempDir } from '../../helpers/service.js';
import { epoch, now, observation, slot, timing } from './fixtures.js';

const policy = { maxLagSlots: 2, maxHeadAgeMs: 60_000, staleAfterMs: 36_000 };
/** The built-in beacon rules over the reader, as the service builds them. */
function beaconRules(
  reader: BeaconHealthReader,
  config: BeaconAlertsConfig,
  targets: BeaconEndpointTarget[] = [],
): AlertRule[] {
  return thresholdRulesOf(beaconBuiltInRules(config), { beacon: { reader, targets } });
}

const config: BeaconAlertsConfig = {
  enabled: true,
  ...beaconAlertDefaults,
  severities: {},
  labels: { team: 'staking' },
};

function setup(options: { config?: BeaconAlertsConfig } = {}) {
  const clock = fixedClock(now);
  const tracker = new BeaconTracker([{ chain: 'mainnet', endpoints: ['a', 'b'], policy }], clock);
  const targets = ['a', 'b'].map((endpoint) => ({
    chain: 'mainnet',
    endpoint,
    url: 'http://127.0.0.1:5052',
    headers: {},
    timeoutMs: 1_000,
    labels: { provider: `p-${endpoint}` },
  }));
  const rules = beaconRules(tracker, options.config ?? config, targets);
  /** Endpoints a and b probed now (null: not probed), their heads at the wall-clock slot unless `behind` it. */
  const probe = (a: Probed | null, b: Probed | null) => {
    const head = slot + Math.floor((clock.now() - now) / 12_000);
    for (const [endpoint, fields] of [
      ['a', a],
      ['b', b],
    ] as const) {
      if (!fields) continue;
      const { behind = 0, ...rest } = fields;
      tracker.observe({ ...observation(endpoint, { at: clock.now(), headSlot: head - behind, ...rest }), timing });
    }
  };
  return { clock, tracker, rules, probe };
}

/** Each rule's series, as `name{chain[,endpoint]}` → condition. */
function conditions(rules: AlertRule[]): Record<string, boolean | null> {
  return Object.fromEntries(
    rules.flatMap((rule) =>
      rule
        .signals()
        .map((signal) => [
          `${rule.name}{${[signal.labels.chain, signal.labels.endpoint].filter(Boolean).join(',')}}`,
          signal.condition(false),
        ]),
    ),
  );
}

type Probed = Partial<BeaconObservation> & { behind?: number };
const behind = (slots: number): Probed => ({ behind: slots });
const down = { ok: false, errorClass: 'connection' as const, headSlot: null, finalizedEpoch: null };

describe('beacon alert conditions', () => {
  it.each<{ name: string; a: Probed | null; b: Probed | null; expected: Record<string, boolean | null> }>([
    {
      name: 'both healthy',
      a: {},
      b: {},
      expected: {
        'BeaconEndpointUnhealthy{mainnet,a}': false,
        'BeaconEndpointUnhealthy{mainnet,b}': false,
        'BeaconNoHealthyEndpoint{mainnet}': false,
        'BeaconFinalityStalled{mainnet}': false,
      },
    },
    {
      name: 'b lagging',
      a: {},
      b: behind(5),
      expected: {
        'BeaconEndpointUnhealthy{mainnet,a}': false,
        'BeaconEndpointUnhealthy{mainnet,b}': true,
        'BeaconNoHealthyEndpoint{mainnet}': false,
        'BeaconFinalityStalled{mainnet}': false,
      },
    },
    {
      name: 'a syncing, b down',
      a: { syncing: true },
      b: down,
      expected: {
        'BeaconEndpointUnhealthy{mainnet,a}': true,
        'BeaconEndpointUnhealthy{mainnet,b}': true,
        'BeaconNoHealthyEndpoint{mainnet}': true,
        'BeaconFinalityStalled{mainnet}': false,
      },
    },
    {
      name: 'b never probed: unknown, not unhealthy',
      a: {},
      b: null,
      expected: {
        'BeaconEndpointUnhealthy{mainnet,a}': false,
        'BeaconEndpointUnhealthy{mainnet,b}': null,
        'BeaconNoHealthyEndpoint{mainnet}': false,
        'BeaconFinalityStalled{mainnet}': false,
      },
    },
    {
      name: 'nothing probed: all unknown',
      a: null,
      b: null,
      expected: {
        'BeaconEndpointUnhealthy{mainnet,a}': null,
        'BeaconEndpointUnhealthy{mainnet,b}': null,
        'BeaconNoHealthyEndpoint{mainnet}': null,
        'BeaconFinalityStalled{mainnet}': null,
      },
    },
    {
      name: 'finality 4 epochs behind: not yet stalled',
      a: { finalizedEpoch: epoch - 4 },
      b: { finalizedEpoch: epoch - 4 },
      expected: {
        'BeaconEndpointUnhealthy{mainnet,a}': false,
        'BeaconEndpointUnhealthy{mainnet,b}': false,
        'BeaconNoHealthyEndpoint{mainnet}': false,
        'BeaconFinalityStalled{mainnet}': false,
      },
    },
    {
      name: 'finality 5 epochs behind on the best endpoint: stalled',
      a: { finalizedEpoch: epoch - 5 },
      b: { finalizedEpoch: epoch - 9 },
      expected: {
        'BeaconEndpointUnhealthy{mainnet,a}': false,
        'BeaconEndpointUnhealthy{mainnet,b}': false,
        'BeaconNoHealthyEndpoint{mainnet}': false,
        'BeaconFinalityStalled{mainnet}': true,
      },
    },
    {
      name: 'one endpoint far behind on finality, the other current: not stalled',
      a: { finalizedEpoch: epoch - 2 },
      b: { finalizedEpoch: epoch - 20 },
      expected: {
        'BeaconEndpointUnhealthy{mainnet,a}': false,
        'BeaconEndpointUnhealthy{mainnet,b}': false,
        'BeaconNoHealthyEndpoint{mainnet}': false,
        'BeaconFinalityStalled{mainnet}': false,
      },
    },
    {
      name: 'both down: no healthy endpoint, finality unknown',
      a: down,
      b: down,
      expected: {
        'BeaconEndpointUnhealthy{mainnet,a}': true,
        'BeaconEndpointUnhealthy{mainnet,b}': true,
        'BeaconNoHealthyEndpoint{mainnet}': true,
        'BeaconFinalityStalled{mainnet}': null,
      },
    },
  ])('$name', ({ a, b, expected }) => {
    const { rules, probe } = setup();
    probe(a, b);
    expect(conditions(rules)).toEqual(expected);
  });

  it('goes unknown once the probes are stale, rather than resolving or firing', () => {
    const { rules, probe, clock } = setup();
    probe(down, down);
    clock.advance(policy.staleAfterMs + 1);
    expect(conditions(rules)).toEqual({
      'BeaconEndpointUnhealthy{mainnet,a}': null,
      'BeaconEndpointUnhealthy{mainnet,b}': null,
      'BeaconNoHealthyEndpoint{mainnet}': null,
      'BeaconFinalityStalled{mainnet}': null,
    });
  });
});

describe('beacon alerts through the engine', () => {
  function engineOf(rules: AlertRule[], clock: ReturnType<typeof fixedClock>) {
    const { db } = openDatabase(join(tempDir(), 'ere.db'));
    return new AlertEngine(db, rules, {
      clock,
      routing: {
        root: { receiver: '', matchers: [], continue: false, routes: [] },
        inhibitRules: [],
        receivers: new Map(),
      },
      externalUrl: 'http://ere.test',
    });
  }

  it('fires an unhealthy endpoint after 2 minutes, with its reasons, and resolves it once healthy', () => {
    const { rules, probe, clock } = setup();
    const engine = engineOf(rules, clock);
    probe({}, { ...behind(3), syncing: true, syncDistance: 3 });
    engine.evaluate();
    expect(engine.active().map((alert) => `${alert.rule}:${alert.state}`)).toEqual(['BeaconEndpointUnhealthy:pending']);
    clock.advance(60_000);
    probe({}, { ...behind(3), syncing: true, syncDistance: 3 });
    engine.evaluate();
    clock.advance(60_000);
    probe({}, { ...behind(3), syncing: true, syncDistance: 3 });
    engine.evaluate();
    const [alert] = engine.active();
    expect(alert).toMatchObject({ rule: 'BeaconEndpointUnhealthy', state: 'firing', severity: 'warning' });
    expect(alert!.labels).toEqual({
      alertname: 'BeaconEndpointUnhealthy',
      severity: 'warning',
      team: 'staking',
      provider: 'p-b',
      scope: 'beacon',
      chain: 'mainnet',
      endpoint: 'b',
    });
    expect(alert!.annotations).toEqual({
      summary: 'Beacon endpoint b on mainnet is not healthy',
      description: 'Why: syncing, 3 slots behind; 3 slots behind the highest head.',
    });

    // The words follow the endpoint's state; the alert stays the same one.
    clock.advance(12_000);
    probe({}, { ok: false, errorClass: 'timeout', headSlot: null });
    engine.evaluate();
    expect(engine.active()[0]).toMatchObject({
      fingerprint: alert!.fingerprint,
      state: 'firing',
      annotations: { description: 'Why: probe failed: timeout.' },
    });

    // Stale: held firing, not resolved.
    clock.advance(60_000);
    probe({}, null);
    engine.evaluate();
    expect(engine.active()[0]).toMatchObject({ fingerprint: alert!.fingerprint, state: 'firing' });

    probe({}, {});
    const transitions = engine.evaluate();
    expect(transitions).toEqual([
      expect.objectContaining({
        rule: 'BeaconEndpointUnhealthy',
        from: 'firing',
        to: 'resolved',
        annotations: expect.objectContaining({ description: 'The endpoint is healthy now.' }),
      }),
    ]);
  });

  it('pages when no endpoint is healthy, and tells of stalled finality at once', () => {
    const { rules, probe, clock } = setup();
    const engine = engineOf(rules, clock);
    probe({ ...down }, { syncing: true, finalizedEpoch: epoch - 6 });
    engine.evaluate();
    clock.advance(beaconAlertDefaults.unhealthyForMs);
    probe({ ...down }, { syncing: true, finalizedEpoch: epoch - 6 });
    engine.evaluate();
    const firing = engine
      .active()
      .filter((alert) => alert.state === 'firing')
      .map((alert) => `${alert.rule}/${alert.severity}: ${alert.annotations.summary}`)
      .sort();
    expect(firing).toEqual([
      'BeaconEndpointUnhealthy/warning: Beacon endpoint a on mainnet is not healthy',
      'BeaconEndpointUnhealthy/warning: Beacon endpoint b on mainnet is not healthy',
      'BeaconFinalityStalled/critical: Finality on mainnet is 6 epochs behind the wall clock',
      'BeaconNoHealthyEndpoint/page: No healthy beacon endpoint on mainnet',
    ]);
  });

  it('takes severities from the config, and makes no rules when disabled or without beacon chains', () => {
    const overridden = setup({
      config: { ...config, severities: { BeaconNoHealthyEndpoint: 'critical', BeaconFinalityStalled: 'ticket' } },
    }).rules;
    expect(overridden.map((rule) => `${rule.name}/${rule.severity}`)).toEqual([
      'BeaconEndpointUnhealthy/warning',
      'BeaconEndpointUnhealthy/warning',
      'BeaconNoHealthyEndpoint/critical',
      'BeaconFinalityStalled/ticket',
    ]);
    expect(setup({ config: { ...config, enabled: false } }).rules).toEqual([]);
    const none = new BeaconTracker([], fixedClock(now));
    expect(beaconRules(none, config)).toEqual([]);
  });

  it('names its alerts and their default severities', () => {
    expect(beaconAlertNames).toEqual(['BeaconEndpointUnhealthy', 'BeaconNoHealthyEndpoint', 'BeaconFinalityStalled']);
    expect(beaconDefaultSeverities).toEqual({
      BeaconEndpointUnhealthy: 'warning',
      BeaconNoHealthyEndpoint: 'page',
      BeaconFinalityStalled: 'critical',
    });
  });
});
