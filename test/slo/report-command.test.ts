// `ere report` against a database the service wrote: every format, the period options, and the errors.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { resolveSlos } from '../../src/config/slos.js';
import { fixedClock } from '../../src/domain/clock.js';
import { main } from '../../src/cli/main.js';
import { SloEngine } from '../../src/slo/slo-engine.js';
import { openDatabase } from '../../src/store/database.js';
import { RpcSampleStore } from '../../src/endpoints/rpc/rpc-samples.js';
import { SampleWriter } from '../../src/endpoints/sample-writer.js';
import { writeProbes } from '../helpers/probes.js';
import { tempDir } from '../helpers/service.js';

const minute = 60_000;
const start = Date.UTC(2026, 9, 1);
const configText = (dbPath: string) => `
chains: [{ id: c, chainId: 1, rpc: [{ id: e, url: "http://e.example.com" }] }]
storage: { path: ${JSON.stringify(dbPath)} }
slos:
  - { id: avail, service: rpc, objective: 99, window: month, description: "RPC answers, mostly",
      sli: { kind: availability, chain: c } }
  - { id: "fast", service: "rpc", objective: 95, window: 30d, sli: { kind: latency, chain: c, thresholdMs: 250 } }
`;

/** A database with October's first day: an outage from 01:00 to 01:30, and the alert it fired. */
function fixture() {
  const dir = tempDir();
  const dbPath = join(dir, 'ere.db');
  const configPath = join(dir, 'ere.yaml');
  writeFileSync(configPath, configText(dbPath));
  const { db } = openDatabase(dbPath);
  writeProbes(
    new SampleWriter(new RpcSampleStore(db), { flushIntervalMs: 60_000 }),
    start,
    0,
    24 * 60,
    (index) => index >= 60 && index < 90,
  );
  const engine = new SloEngine(db, resolveSlos(parseConfig(configText(dbPath))), {
    clock: fixedClock(start + 91 * minute + 30_000),
    settleMs: 30_000,
  });
  engine.evaluate();
  db.close();
  return { configPath, dbPath };
}

async function ere(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const status = await main(args, { out: (line) => void out.push(line), err: (line) => void err.push(line) });
  return { status, stdout: out.join('\n'), stderr: err.join('\n') };
}

describe('ere report', () => {
  const { configPath } = fixture();

  it('json: the same reports as the REST API, for the month asked', async () => {
    const { status, stdout } = await ere(['report', '--config', configPath, '--period', '2026-10', '--format', 'json']);
    expect(status).toBe(0);
    const { reports } = JSON.parse(stdout);
    expect(reports.map((report: { slo: { id: string } }) => report.slo.id)).toEqual(['avail', 'fast']);
    expect(reports[0]).toMatchObject({
      period: { label: '2026-10', partial: false },
      goodEvents: (24 * 60 - 30) * 4,
      validEvents: 24 * 60 * 4,
      objectiveMet: false,
      incidents: [{ start: '2026-10-01T01:00:00.000Z', end: '2026-10-01T01:30:00.000Z' }],
      // 91 minutes of data cover less than half of a ticket tier's long window: only the page fires.
      alerts: [{ severity: 'page', to: 'firing' }],
    });
    expect(reports[0].days).toHaveLength(31);
  });

  it('table and csv: one line per SLO; --slo picks SLOs', async () => {
    const table = await ere(['report', '--config', configPath, '--period', '2026-10']);
    expect(table.status).toBe(0);
    const lines = table.stdout.split('\n');
    expect(lines[0]).toMatch(/^SLO\s+SERVICE\s+PERIOD\s+OBJECTIVE\s+SLI\s+MET\s+BUDGET USED\s+DATA\s+INCIDENTS$/);
    expect(lines[1]).toMatch(/^avail\s+rpc\s+2026-10\s+99%\s+97\.917%\s+NO\s+208\.3%\s+3\.23% LOW\s+1$/);
    expect(table.stdout).toContain(
      'WARNING avail: data for only 3.23% of the period: its SLI and budget stand on little',
    );
    expect(table.stdout).toContain(
      '2026-10-01 01:00 → 2026-10-01 01:30 (30m): 120 bad of 120, burn rate 100.0, 208.3% of the budget',
    );

    const csv = await ere([
      'report',
      '--config',
      configPath,
      '--period',
      '2026-10',
      '--format',
      'csv',
      '--slo',
      'avail',
    ]);
    const [header, row, extra] = csv.stdout.split('\r\n');
    expect(header).toBe(
      'slo,service,period,from,to,partial,objective_percent,budgeting,good_events,valid_events,sli_ratio,' +
        'objective_met,budget_consumed_ratio,budget_remaining_ratio,data_coverage_ratio,data_coverage_low,' +
        'incidents,alert_transitions',
    );
    expect(row).toMatch(
      new RegExp(
        /^avail,rpc,2026-10,2026-10-01T00:00:00\.000Z,2026-11-01T00:00:00\.000Z,false,99,occurrences,5640,5760,/
          .source + /0\.979166\d*,false,2\.083333\d*,0,0\.032258\d*,true,1,1$/.source,
      ),
    );
    expect(extra).toBeUndefined();
  });

  it('markdown: a summary table, then each SLO with incidents, alerts and days', async () => {
    const { status, stdout } = await ere([
      'report',
      '--config',
      configPath,
      '--from',
      '2026-10-01T00:00:00Z',
      '--to',
      '2026-10-02T00:00:00Z',
      '--format',
      'markdown',
      '--slo',
      'avail',
    ]);
    expect(status).toBe(0);
    expect(stdout).toMatch(
      /^# SLO report: 2026-10-01T00:00:00\.000Z\/2026-10-02T00:00:00\.000Z\n\n\| SLO \| Service \|/,
    );
    expect(stdout).toContain('## avail\n\nRPC answers, mostly\n');
    expect(stdout).toContain('### Worst incidents\n\n1. 2026-10-01 01:00 → 2026-10-01 01:30 (30m)');
    expect(stdout).toContain('| 2026-10-01 01:31 | page | inactive | firing |');
    expect(stdout).toContain('| 2026-10-01 | 97.917% | NO | 5640 | 5760 |');
  });

  it('says what is wrong with the options, the period or the database', async () => {
    expect(await ere(['report', '--config', configPath, '--period', '2026-13'])).toMatchObject({
      status: 2,
      stderr: expect.stringContaining('period "2026-13" is not a month such as 2026-10'),
    });
    expect(await ere(['report', '--config', configPath, '--format', 'pdf'])).toMatchObject({
      status: 2,
      stderr: expect.stringContaining('--format: must be one of table, json, csv, markdown'),
    });
    expect(await ere(['report', '--config', configPath, '--slo', 'nope'])).toMatchObject({
      status: 2,
      stderr: expect.stringContaining('--slo: no SLO "nope"'),
    });
    expect(await ere(['report', '--config', configPath, '--from', 'yesterday'])).toMatchObject({ status: 2 });
    expect(await ere(['report', '--config', configPath, '--db', join(tempDir(), 'none.db')])).toMatchObject({
      status: 1,
      stderr: expect.stringContaining('no database at'),
    });
    expect(await ere(['report'])).toMatchObject({
      status: 2,
      stderr: expect.stringContaining('--config <file> is required'),
    });
  });
});
