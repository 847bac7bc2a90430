// Every threshold rule from one config: the standard RPC four only without `alerting.rules`, the beacon
// and validator built-ins whatever `rules` says, a configured rule replacing the built-in of its name and
// source or turning it off, and rules on the beacon and validator sources written as RPC ones are.

import { describe, expect, it } from 'vitest';
import type { AlertRule } from '../../src/alerting/alert-rule.js';
import { validatorScopeSource } from '../../src/alerting/sources/validator-scope.js';
import type { ValidatorAlertReader } from '../../src/alerting/sources/threshold-rule.js';
import { thresholdAlertRules } from '../../src/alerting/threshold-rules.js';
import { parseConfig } from '../../src/config/load.js';
import { fixedClock } from '../../src/domain/clock.js';
import { BeaconTracker } from '../../src/endpoints/beacon/beacon-tracker.js';
import { ChainTracker } from '../../src/endpoints/rpc/rpc-tracker.js';
import type { ScopeAttestationTotals } from '../../src/validators/attestation-epoch.js';
import { configProblems } from '../helpers/config.js';
import { now, observation, timing } from '../endpoints/beacon/fixtures.js';

const chains = `
chains:
  - id: mainnet
    chainId: 1
    rpc: [{ id: alchemy, url: "http://127.0.0.1:8545/" }]
    beacon: { endpoints: [{ id: a, url: "http://127.0.0.1:5052/" }, { id: b, url: "http://127.0.0.1:5053/" }] }
`;

const rpcRule = '{ name: MyLag, source: endpoint, metric: lag_blocks, op: ">", threshold: 9 }';

function rulesOf(alerting: string) {
  const config = parseConfig(`${chains}alerting:\n${alerting}`, { env: {} });
  const clock = fixedClock(now);
  const tracker = new ChainTracker(
    [{ chain: 'mainnet', endpoints: ['alchemy'], policy: { maxLagBlocks: 5, staleAfterMs: 45_000 } }],
    clock,
  );
  const beacon = new BeaconTracker(
    [
      {
        chain: 'mainnet',
        endpoints: ['a', 'b'],
        policy: { maxLagSlots: 2, maxHeadAgeMs: 60_000, staleAfterMs: 36_000 },
      },
    ],
    clock,
  );
  const rules = thresholdAlertRules(config, { tracker, beacon });
  return { rules, beacon };
}

/** `name/source/severity`, one per rule (the beacon endpoint rules once per endpoint). */
const summary = (rules: AlertRule[]) => rules.map((rule) => `${rule.name}/${rule.source}/${rule.severity}`);

const beaconBuiltIns = [
  'BeaconEndpointUnhealthy/beacon_endpoint/warning',
  'BeaconEndpointUnhealthy/beacon_endpoint/warning',
  'BeaconNoHealthyEndpoint/beacon_chain/page',
  'BeaconFinalityStalled/beacon_chain/critical',
];

describe('the threshold rules of a config', () => {
  it('are the standard four and the beacon built-ins without rules', () => {
    expect(summary(rulesOf('  evaluationInterval: 15s\n').rules)).toEqual([
      'EndpointDown/endpoint/warning',
      'EndpointLagging/endpoint/warning',
      'ChainHalted/chain/critical',
      'RedundancyLow/chain/warning',
      ...beaconBuiltIns,
    ]);
  });

  it('keep the beacon built-ins beside custom RPC rules, and with rules: []', () => {
    expect(summary(rulesOf(`  rules: [${rpcRule}]\n`).rules)).toEqual(['MyLag/endpoint/warning', ...beaconBuiltIns]);
    expect(summary(rulesOf('  rules: []\n').rules)).toEqual(beaconBuiltIns);
  });

  it('take a configured rule with a built-in name and source in its place, every severity of it', () => {
    const { rules } = rulesOf(`  rules:
    - { name: BeaconFinalityStalled, source: beacon_chain, metric: finality_distance_epochs, op: ">", threshold: 8,
        severity: warning }
    - { name: BeaconFinalityStalled, source: beacon_chain, metric: finality_distance_epochs, op: ">", threshold: 20,
        severity: page }
`);
    expect(summary(rules)).toEqual([
      'BeaconEndpointUnhealthy/beacon_endpoint/warning',
      'BeaconEndpointUnhealthy/beacon_endpoint/warning',
      'BeaconFinalityStalled/beacon_chain/warning',
      'BeaconFinalityStalled/beacon_chain/page',
      'BeaconNoHealthyEndpoint/beacon_chain/page',
    ]);
  });

  it('leave a built-in out when a rule of its name and source is disabled, and all of them when the section is', () => {
    const disabled =
      `{ name: BeaconNoHealthyEndpoint, source: beacon_chain, metric: ` +
      `healthy_endpoints, op: "==", threshold: 0, enabled: false }`;
    expect(summary(rulesOf(`  rules: [${rpcRule}, ${disabled}]\n`).rules)).toEqual([
      'MyLag/endpoint/warning',
      'BeaconEndpointUnhealthy/beacon_endpoint/warning',
      'BeaconEndpointUnhealthy/beacon_endpoint/warning',
      'BeaconFinalityStalled/beacon_chain/critical',
    ]);
    expect(summary(rulesOf(`  rules: [${rpcRule}]\n  beacon: { enabled: false }\n`).rules)).toEqual([
      'MyLag/endpoint/warning',
    ]);
    // A rule of the same name on another source is a rule of its own: the built-in stays.
    const other = '{ name: BeaconNoHealthyEndpoint, source: endpoint, metric: up, op: "==", threshold: 0 }';
    expect(summary(rulesOf(`  rules: [${other}]\n`).rules)).toEqual([
      'BeaconNoHealthyEndpoint/endpoint/warning',
      ...beaconBuiltIns,
    ]);
  });

  it('follow the section: its thresholds, durations, severities and labels', () => {
    const { rules } = rulesOf(
      '  beacon: { unhealthyFor: 5m, finalityStalledEpochs: 6, severities: { ' +
        'BeaconEndpointUnhealthy: info }, labels: { team: staking } }\n',
    );
    const byName = (name: string) => rules.find((rule) => rule.name === name)!;
    expect(byName('BeaconEndpointUnhealthy')).toMatchObject({
      severity: 'info',
      timing: { forMs: 300_000, keepFiringForMs: 0 },
      labels: { team: 'staking' },
    });
    expect(byName('BeaconNoHealthyEndpoint').timing.forMs).toBe(300_000);
    expect(byName('BeaconFinalityStalled').annotations.description!.source).toContain('by more than 6 epochs');
  });

  it('judge a user rule on a beacon source as one on an RPC source, unknown without a recent probe', () => {
    const { rules, beacon } = rulesOf(`  rules:
    - { name: BeaconSlow, source: beacon_endpoint, endpoints: [b], metric: latency_seconds, op: ">", threshold: 0.5,
        labels: { team: staking } }
    - { name: BeaconThin, source: beacon_chain, metric: healthy_ratio, op: "<", threshold: 1,
        annotations: { summary: "{{ $value }}" } }
`);
    const slow = rules.filter((rule) => rule.name === 'BeaconSlow');
    const thin = rules.find((rule) => rule.name === 'BeaconThin')!;
    expect(slow).toHaveLength(1);
    const judge = (rule: AlertRule) =>
      rule.signals().map((signal) => ({ labels: signal.labels, value: signal.value, fires: signal.condition(false) }));
    expect(judge(slow[0]!)).toEqual([
      { labels: { scope: 'beacon', chain: 'mainnet', endpoint: 'b' }, value: null, fires: null },
    ]);
    expect(judge(thin)).toEqual([{ labels: { scope: 'beacon', chain: 'mainnet' }, value: null, fires: null }]);
    beacon.observe({ ...observation('a'), timing });
    beacon.observe({ ...observation('b', { latencyMs: 900 }), timing });
    expect(judge(slow[0]!)).toEqual([
      { labels: { scope: 'beacon', chain: 'mainnet', endpoint: 'b' }, value: 0.9, fires: true },
    ]);
    expect(judge(thin)).toEqual([{ labels: { scope: 'beacon', chain: 'mainnet' }, value: 1, fires: false }]);
    // Without a description, the endpoint rule's tells why the endpoint is unhealthy, as the built-in's does.
    expect(slow[0]!.annotations.description!.source).toBe('The endpoint is healthy now.');
  });
});

describe('rules on the beacon and validator sources in the config', () => {
  it.each([
    {
      case: 'a metric of another source',
      rule: '{ name: X, source: beacon_chain, metric: lag_blocks, op: ">", threshold: 1 }',
      problem: {
        path: 'alerting.rules[0].metric',
        message:
          'must be one of healthy_endpoints, up_endpoints, healthy_ratio, ' +
          'finality_distance_epochs for source "beacon_chain"',
      },
    },
    {
      case: 'a beacon endpoint rule naming an RPC endpoint',
      rule: '{ name: X, source: beacon_endpoint, metric: healthy, op: "==", threshold: 0, endpoints: [alchemy] }',
      problem: { path: 'alerting.rules[0].endpoints[0]', message: 'no endpoint "alchemy"' },
    },
    {
      case: 'a validator scope rule selecting endpoints',
      rule: '{ name: X, source: validator_scope, metric: miss_rate, op: ">", threshold: 0.2, endpoints: [a] }',
      problem: { path: 'alerting.rules[0].endpoints', message: 'only endpoint rules select endpoints' },
    },
  ])('refuse $case', ({ rule, problem }) => {
    expect(configProblems(`${chains}alerting:\n  rules: [${rule}]\n`)).toEqual([problem]);
  });

  it('accept a beacon endpoint rule naming a beacon endpoint', () => {
    const rule = '{ name: X, source: beacon_endpoint, metric: healthy, op: "==", threshold: 0, endpoints: [b] }';
    expect(parseConfig(`${chains}alerting:\n  rules: [${rule}]\n`, { env: {} }).alerting.rules).toHaveLength(1);
  });
});

describe('a validator scope rule', () => {
  const totals = (missed: number, due: number): ScopeAttestationTotals =>
    ({
      scope: 'operator:kiln',
      attestationsDue: due,
      missed,
      unknown: 0,
      missingInARow: 0,
      balanceDecreasing: 0,
    }) as ScopeAttestationTotals;
  let epoch: ScopeAttestationTotals[] | undefined;
  const reader = {
    chains: () => ['hoodi'],
    watchList: () => ({ scopes: ['watched', 'operator:kiln', 'network'] }),
    lastAttestation: () => (epoch === undefined ? undefined : { scopes: epoch }),
  } as unknown as ValidatorAlertReader;
  const rule = {
    name: 'MissRate',
    source: 'validator_scope',
    metric: 'miss_rate',
    op: '>' as const,
    threshold: 0.1,
    clear: 0.05,
    for: 0,
    keepFiringFor: 0,
    severity: 'warning' as const,
    labels: {},
    annotations: {},
  };

  it('comes built in beside custom RPC rules, follows alerting.validators, and goes with enabled: false', () => {
    const validatorRules = (alerting: string) => {
      const config = parseConfig(`${chains}alerting:\n${alerting}`, { env: {} });
      const tracker = new ChainTracker(
        [{ chain: 'mainnet', endpoints: ['alchemy'], policy: { maxLagBlocks: 5, staleAfterMs: 45_000 } }],
        fixedClock(now),
      );
      return thresholdAlertRules(config, { tracker, validators: reader }).filter((rule) =>
        rule.source.startsWith('validator'),
      );
    };
    const custom = validatorRules(
      `  rules: [${rpcRule}]\n  validators: { missRate: 0.2, ` +
        `processingBehindEpochs: 5, severities: { ValidatorBalanceDecreasing: info } }\n`,
    );
    expect(custom.map((rule) => `${rule.name}/${rule.source}/${rule.severity}/${rule.timing.forMs}`)).toEqual([
      'ValidatorAttestationsMissedInARow/validator_scope/warning/0',
      'ValidatorAttestationMissRateHigh/validator_scope/warning/0',
      'ValidatorBalanceDecreasing/validator_scope/info/0',
      'ValidatorProcessingBehind/validator_chain/warning/120000',
      'ValidatorBlocksProcessingBehind/validator_chain/warning/120000',
    ]);
    epoch = [totals(3, 20)];
    const missRate = custom.find((rule) => rule.name === 'ValidatorAttestationMissRateHigh')!;
    // 15 % is below the 20 % set, and above the 10 % it clears at once active.
    expect(missRate.signals().map((signal) => [signal.condition(false), signal.condition(true)])).toEqual([
      [null, null],
      [false, true],
    ]);
    expect(validatorRules(`  rules: [${rpcRule}]\n  validators: { enabled: false }\n`)).toEqual([]);
  });

  it('is unknown before the first epoch and below minDuties, and clears at its clear value', () => {
    const [built] = validatorScopeSource.createRules([rule], { validators: { reader, minDuties: 10 } });
    const judge = (wasActive: boolean) =>
      built!
        .signals()
        .map((signal) => `${signal.labels.validator_scope}=${signal.value}:${signal.condition(wasActive)}`);
    epoch = undefined;
    expect(judge(false)).toEqual(['watched=null:null', 'operator:kiln=null:null']);
    epoch = [totals(5, 8)];
    expect(judge(false)).toEqual(['watched=null:null', 'operator:kiln=null:null']);
    epoch = [totals(2, 25)];
    expect(judge(false)).toEqual(['watched=null:null', 'operator:kiln=0.08:false']);
    expect(judge(true)).toEqual(['watched=null:null', 'operator:kiln=0.08:true']);
    epoch = [totals(1, 25)];
    expect(judge(true)).toEqual(['watched=null:null', 'operator:kiln=0.04:false']);
  });
});
