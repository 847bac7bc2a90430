// The list of governance kinds: one kind per target kind of the config, each tracking its own targets only,
// with gauge and alert rule names that do not collide with another kind's unless the gauge is shared.
import { describe, expect, it } from 'vitest';
import type { GovernanceTarget } from '../../../src/domain/governance.js';
import { governanceKind, governanceKinds } from '../../../src/governance/kinds/index.js';

const base = {
  chain: 'mainnet',
  address: '0x0000000000000000000000000000000000000001',
  startBlock: 1,
  confirmations: 2,
  pollIntervalMs: 10_000,
  maxBlockRange: 1_000,
  labels: {},
} as const;
const targets: GovernanceTarget[] = [
  {
    ...base,
    id: 'dao',
    kind: 'governor',
    settings: { flavor: 'openzeppelin', token: undefined, executionGraceMs: 1, quorumRiskWindowMs: 1, topDelegates: 1 },
  },
  { ...base, id: 'delay', kind: 'timelock', settings: { flavor: 'compound', executionGraceMs: 1 } },
  { ...base, id: 'council', kind: 'safe', settings: { minThreshold: undefined, minThresholdRatio: undefined } },
  { ...base, id: 'vault', kind: 'proxy', settings: {} },
  { ...base, id: 'watch', kind: 'contract', settings: { matchers: [], calls: 'transactions' } },
];

describe('the list of governance kinds', () => {
  it('has one kind per target kind of the config, in its order', () => {
    expect(governanceKinds.map((kind) => kind.name)).toEqual(['governor', 'timelock', 'safe', 'proxy', 'contract']);
    expect(() => governanceKind('nope' as never)).toThrow('no governance kind "nope"');
  });

  it('tracks each target with its own kind only', () => {
    for (const kind of governanceKinds) {
      const set = kind.open();
      const tracked = targets.filter((target) => set.track(target) !== null).map((target) => target.kind);
      expect(tracked).toEqual([kind.name]);
    }
  });

  it('names every alert rule once, and shares only the overdue executions gauge', () => {
    const rules = governanceKinds.flatMap((kind) => kind.alerts.map((rule) => rule.name));
    expect(new Set(rules).size).toBe(rules.length);
    const gauges = governanceKinds.flatMap((kind) => kind.gauges.map((gauge) => gauge.name));
    const shared = gauges.filter((name, index) => gauges.indexOf(name) !== index);
    expect(shared).toEqual(['ere_governance_overdue_executions']);
  });

  it('reads a fresh target as its kind sees it before any event: no signals, counts for labelled gauges', () => {
    const governor = governanceKind('governor').open().track(targets[0]!)!;
    const reading = governor.reading(Date.UTC(2026, 0, 1));
    expect(reading.counts({ name: 'ere_governance_proposals', help: '', label: 'state' })).toEqual({
      Pending: 0,
      Active: 0,
      Canceled: 0,
      Defeated: 0,
      Succeeded: 0,
      Queued: 0,
      Expired: 0,
      Executed: 0,
    });
    expect(reading.value({ name: 'ere_governance_safe_threshold', help: '' }, 0)).toBeNull();
    expect(reading.signals('GovernanceProposalCreated', 0, { changeHoldMs: 1 })).toEqual([]);
    expect(governor.decisions(null, 0)).toEqual({ transitions: [], outcomes: [] });
  });
});
