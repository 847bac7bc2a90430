// The SLO engine over governance outcomes: proposals counted once each in the minute they were decided,
// filtered by SLI and governor, through the same engine and reports as every other SLI kind.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { resolveSlos } from '../../src/config/slos.js';
import { fixedClock } from '../../src/domain/clock.js';
import type { GovernanceOutcome } from '../../src/domain/governance.js';
import { SloEngine } from '../../src/slo/slo-engine.js';
import { SloReports } from '../../src/slo/slo-reports.js';
import { openDatabase } from '../../src/store/database.js';
import { GovernanceStore } from '../../src/governance/governance-store.js';
import { tempDir } from '../helpers/service.js';

const minute = 60_000;
const day = 1_440 * minute;
const start = Date.UTC(2026, 9, 1);
const address = '0x408ED6354d4973f66138C91495F2f2FCbd8724C3';

const config = parseConfig(`
chains: [{ id: c, chainId: 1, rpc: [{ id: e, url: "http://e" }] }]
governance:
  - { kind: governor, id: dao, chain: c, address: "${address}", startBlock: 1 }
  - { kind: governor, id: grants, chain: c, address: "0x5aFE3855358E112B5647B952709E6165e1c1eEEe", startBlock: 1 }
slos:
  - { id: dao-execution, service: dao, objective: 75, window: 30d, sli: { kind: governance_execution, chain: c,
      targets: [dao] }, alerting: { minValidEvents: 2 } }
  - { id: participation, service: dao, objective: 50, window: 30d, sli: { kind: governance_participation, chain: c } }
`);

const outcome = (target: string, sli: GovernanceOutcome['sli'], subject: string, good: boolean): GovernanceOutcome => ({
  target,
  chain: 'c',
  sli,
  subject,
  good,
  decidedAtMs: start,
});

describe('governance SLOs', () => {
  it('count each decided proposal once, per SLI and governor, and report them', () => {
    const { db } = openDatabase(join(tempDir(), 'ere.db'));
    const store = new GovernanceStore(db);
    const clock = fixedClock(start);
    store.recordOutcomes(
      [
        outcome('dao', 'execution', '1', true),
        outcome('dao', 'participation', '1', true),
        outcome('grants', 'execution', '9', false),
      ],
      start + 5 * minute,
    );
    store.recordOutcomes(
      [outcome('dao', 'execution', '2', false), outcome('grants', 'participation', '9', false)],
      start + day,
    );
    // Recorded again (a replay after a restart): ignored, each proposal counts once.
    store.recordOutcomes([outcome('dao', 'execution', '2', true)], start + 2 * day);
    store.recordOutcomes(
      [outcome('dao', 'execution', '3', true), outcome('dao', 'execution', '4', true)],
      start + 2 * day,
    );

    const definitions = resolveSlos(config);
    const engine = new SloEngine(db, definitions, { clock, settleMs: 30_000 });
    clock.set(start + 3 * day);
    const [execution, participation] = engine.evaluate();
    // dao only: 3 of 4 executed in time (the grants governor's miss is not this SLO's).
    expect(execution).toMatchObject({ slo: 'dao-execution', window: { good: 3, valid: 4 }, sliRatio: 0.75 });
    // every governor of the chain: 1 of 2 proposals reached quorum.
    expect(participation).toMatchObject({ slo: 'participation', window: { good: 1, valid: 2 }, sliRatio: 0.5 });

    const report = new SloReports(db, definitions, () => engine.settledEnd(clock.now())).report(definitions[0]!, {
      fromMs: start,
      toMs: start + 3 * day,
    });
    expect(report).toMatchObject({ good: 3, valid: 4, sliRatio: 0.75, objectiveMet: true });
    expect(report.days.map((entry) => [entry.good, entry.valid])).toEqual([
      [1, 1],
      [0, 1],
      [2, 2],
    ]);
  });
});
