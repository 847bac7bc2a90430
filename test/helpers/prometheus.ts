// A real Prometheus (Debian's `prometheus` package) for tests: started on a free 127.0.0.1 port with its own
// temporary TSDB, scraping the given targets (every second unless told), optionally evaluating rule files and
// sending alerts to an Alertmanager, ready when returned, and stopped (with its files removed) by stop().
// Dashboard tests run panel queries through it; alerting tests load rules into it and read its alerts.

import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startLoopbackTool, toolBinary, toolVersion } from './loopback-tool.js';

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
  /**
   * Rule files (recording and alerting rules), loaded as given; relative paths are taken from the working directory.
   */
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
  rules: {
    name: string;
    type: 'alerting' | 'recording';
    query: string;
    health: string;
    lastError?: string;
    state?: string;
  }[];
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

/** The configuration file's text. JSON is YAML, so every string is quoted safely without a YAML writer. */
export function prometheusConfig(options: PrometheusOptions): string {
  const config: Record<string, unknown> = {
    global: {
      scrape_interval: options.scrapeInterval ?? '1s',
      evaluation_interval: options.evaluationInterval ?? '1s',
    },
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
      const form = new URLSearchParams({
        query: expr,
        start: String(start),
        end: String(end),
        step: String(stepSeconds),
      });
      const response = await fetch(`${url}/api/v1/query_range`, { method: 'POST', body: form });
      return (await response.json()) as QueryResponse<RangeSeries[]>;
    },
    targets: async () =>
      (await apiData<{ activeTargets: ScrapeTargetState[] }>(`${url}/api/v1/targets?state=active`)).activeTargets,
    rules: async () => (await apiData<{ groups: RuleGroupState[] }>(`${url}/api/v1/rules`)).groups,
    alerts: async () => (await apiData<{ alerts: AlertState[] }>(`${url}/api/v1/alerts`)).alerts,
  };
}

export async function startPrometheus(options: PrometheusOptions): Promise<RunningPrometheus> {
  const binary = toolBinary('prometheus', 'prometheus');
  const version = toolVersion(binary);
  const dir = mkdtempSync(join(tmpdir(), 'ere-prometheus-'));
  const configFile = join(dir, 'prometheus.yml');
  writeFileSync(configFile, prometheusConfig(options));
  const tool = await startLoopbackTool({
    name: 'Prometheus',
    binary,
    dir,
    flags: (port, attempt) => [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${join(dir, `data-${attempt}`)}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
  });
  return { ...tool, version, ...client(tool.url) };
}
