// A real Prometheus (Debian's `prometheus` package) for tests: started on a free 127.0.0.1 port with its own
// temporary TSDB, scraping the given targets (every second unless told), optionally evaluating rule files and
// sending alerts to an Alertmanager, ready when returned, and stopped (with its files removed) by stop().
// Dashboard tests run panel queries through it; alerting tests load rules into it and read its alerts.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { freePort } from './alertmanager.js';

export interface ScrapeConfig {
  /** The `job` label of the scraped series. */
  job: string;
  /** `host:port` addresses, such as `127.0.0.1:9470`. */
  targets: string[];
  /** `/metrics` unless told. */
  metricsPath?: string;
}

export interface PrometheusOptions {
  scrapeConfigs: ScrapeConfig[];
  /** Rule files (recording and alerting rules), loaded as given; relative paths are taken from the working directory. */
  ruleFiles?: string[];
  /** An Alertmanager to send the alerts of `ruleFiles` to, such as `http://127.0.0.1:9093` (a path prefix is kept). */
  alertmanagerUrl?: string;
  /** Prometheus durations; `1s` each by default, so that a test sees data within seconds. */
  scrapeInterval?: string;
  evaluationInterval?: string;
}

/** One series of an instant query: its labels and `[unix seconds, value as text]`. */
export interface InstantSample {
  metric: Record<string, string>;
  value: [number, string];
}

/** One series of a range query. */
export interface RangeSeries {
  metric: Record<string, string>;
  values: [number, string][];
}

/** The answer of the query API as Prometheus sends it: `status` is `error` for an expression it cannot parse or run. */
export type QueryResponse<R> =
  | { status: 'success'; data: { resultType: string; result: R }; warnings?: string[] }
  | { status: 'error'; errorType: string; error: string };

export interface ScrapeTargetState {
  labels: Record<string, string>;
  scrapeUrl: string;
  health: 'up' | 'down' | 'unknown';
  lastError: string;
  lastScrape: string;
}

export interface RuleGroupState {
  name: string;
  file: string;
  rules: { name: string; type: 'alerting' | 'recording'; query: string; health: string; lastError?: string; state?: string }[];
}

export interface AlertState {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: 'pending' | 'firing';
  activeAt: string;
  value: string;
}

export interface RunningPrometheus {
  /** `http://127.0.0.1:<port>`. */
  url: string;
  port: number;
  /** As `--version` prints it, such as `2.42.0+ds`. */
  version: string;
  process: ChildProcess;
  /** An instant query at `time` (Unix seconds; now by default). Does not throw on a PromQL error: read `status`. */
  query(expr: string, time?: number): Promise<QueryResponse<InstantSample[] | [number, string]>>;
  /** A range query from `start` to `end` (Unix seconds) every `stepSeconds`. */
  queryRange(expr: string, start: number, end: number, stepSeconds: number): Promise<QueryResponse<RangeSeries[]>>;
  targets(): Promise<ScrapeTargetState[]>;
  rules(): Promise<RuleGroupState[]>;
  alerts(): Promise<AlertState[]>;
  stop(): Promise<void>;
}

function prometheusBinary(): string {
  const onPath = (process.env.PATH ?? '').split(delimiter).filter(Boolean).map((dir) => join(dir, 'prometheus'));
  for (const candidate of [...onPath, '/usr/bin/prometheus']) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not there; try the next.
    }
  }
  throw new Error('prometheus not found: run `sh scripts/install-test-deps.sh` as root (Debian package prometheus)');
}

/** The configuration file's text. JSON is YAML, so every string is quoted safely without a YAML writer. */
export function prometheusConfig(options: PrometheusOptions): string {
  const config: Record<string, unknown> = {
    global: { scrape_interval: options.scrapeInterval ?? '1s', evaluation_interval: options.evaluationInterval ?? '1s' },
    scrape_configs: options.scrapeConfigs.map((scrape) => ({
      job_name: scrape.job,
      metrics_path: scrape.metricsPath ?? '/metrics',
      static_configs: [{ targets: scrape.targets }],
    })),
  };
  if (options.ruleFiles?.length) config.rule_files = options.ruleFiles.map((file) => resolve(file));
  if (options.alertmanagerUrl) {
    const alertmanager = new URL(options.alertmanagerUrl);
    config.alerting = {
      alertmanagers: [
        {
          scheme: alertmanager.protocol.replace(':', ''),
          path_prefix: alertmanager.pathname === '/' ? '' : alertmanager.pathname,
          static_configs: [{ targets: [alertmanager.host] }],
        },
      ],
    };
  }
  return `${JSON.stringify(config, null, 2)}\n`;
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())));
}

async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url);
  return (await response.json()) as T;
}

async function apiData<T>(url: string): Promise<T> {
  const body = await getJson<QueryResponse<never> | { status: 'success'; data: T }>(url);
  if (body.status !== 'success') throw new Error(`${url}: ${body.errorType}: ${body.error}`);
  return body.data as T;
}

function client(url: string): Pick<RunningPrometheus, 'query' | 'queryRange' | 'targets' | 'rules' | 'alerts'> {
  return {
    // POST with a form body: long panel expressions stay out of the URL.
    query: async (expr, time) => {
      const form = new URLSearchParams({ query: expr });
      if (time !== undefined) form.set('time', String(time));
      const response = await fetch(`${url}/api/v1/query`, { method: 'POST', body: form });
      return (await response.json()) as QueryResponse<InstantSample[] | [number, string]>;
    },
    queryRange: async (expr, start, end, stepSeconds) => {
      const form = new URLSearchParams({ query: expr, start: String(start), end: String(end), step: String(stepSeconds) });
      const response = await fetch(`${url}/api/v1/query_range`, { method: 'POST', body: form });
      return (await response.json()) as QueryResponse<RangeSeries[]>;
    },
    targets: async () => (await apiData<{ activeTargets: ScrapeTargetState[] }>(`${url}/api/v1/targets?state=active`)).activeTargets,
    rules: async () => (await apiData<{ groups: RuleGroupState[] }>(`${url}/api/v1/rules`)).groups,
    alerts: async () => (await apiData<{ alerts: AlertState[] }>(`${url}/api/v1/alerts`)).alerts,
  };
}

/** Resolves once `/-/ready` answers 200; fails at once if the process exits (a port taken, a bad config). */
async function untilReady(url: string, child: ChildProcess, stderr: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`Prometheus exited with ${child.exitCode ?? child.signalCode}: ${stderr()}`);
    const ready = await fetch(`${url}/-/ready`).then((response) => response.ok, () => false);
    if (ready) return;
    if (Date.now() > deadline) throw new Error(`Prometheus was not ready within 30 s: ${stderr()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export async function startPrometheus(options: PrometheusOptions): Promise<RunningPrometheus> {
  const binary = prometheusBinary();
  const versionText = spawnSync(binary, ['--version'], { encoding: 'utf8' });
  const version = /version (\S+)/.exec(`${versionText.stdout}${versionText.stderr}`)?.[1] ?? 'unknown';
  const dir = mkdtempSync(join(tmpdir(), 'ere-prometheus-'));
  const configFile = join(dir, 'prometheus.yml');
  writeFileSync(configFile, prometheusConfig(options));
  // A port found free can be taken before Prometheus binds it: then try another.
  for (let attempt = 1; ; attempt += 1) {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const flags = [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${join(dir, `data-${attempt}`)}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ];
    const child = spawn(binary, flags, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => void (stderr = (stderr + chunk.toString()).slice(-4_000)));
    const kill = async (): Promise<void> => {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited(child);
      clearTimeout(killer);
    };
    const stop = async (): Promise<void> => {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    };
    try {
      await untilReady(url, child, () => stderr);
      return { url, port, version, process: child, stop, ...client(url) };
    } catch (error) {
      // The configuration stays for the next attempt; only a final failure removes it.
      if (attempt < 3 && stderr.includes('address already in use')) await kill();
      else {
        await stop();
        throw error;
      }
    }
  }
}
