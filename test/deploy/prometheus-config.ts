// deploy/prometheus/prometheus.yml moved out of its container for the tests: the rule files' directory
// (/etc/prometheus/rules, where compose mounts alerts/) becomes the repository's alerts/, compose host
// names become loopback addresses, and intervals may be shortened. Nothing else changes, so what promtool
// and a real Prometheus accept here is the compose file's own configuration.

import { parse, stringify } from 'yaml';

export const containerRulesDir = '/etc/prometheus/rules';

interface StaticConfig {
  targets: string[];
}

interface PrometheusConfig {
  global?: { scrape_interval?: string; evaluation_interval?: string };
  rule_files?: string[];
  alerting?: { alertmanagers?: { static_configs?: StaticConfig[] }[] };
  scrape_configs?: { job_name: string; static_configs?: StaticConfig[] }[];
}

export interface Relocation {
  rulesDir: string;
  /** Compose address → address here, e.g. `ere:9470` → `127.0.0.1:41234`. Every target must have one. */
  addresses?: Readonly<Record<string, string>>;
  interval?: string;
}

export function relocatePrometheusConfig(text: string, relocation: Relocation): string {
  const config = parse(text) as PrometheusConfig;
  config.rule_files = (config.rule_files ?? []).map((file) => {
    if (!file.startsWith(`${containerRulesDir}/`)) throw new Error(`rule file outside ${containerRulesDir}: ${file}`);
    return `${relocation.rulesDir}/${file.slice(containerRulesDir.length + 1)}`;
  });
  const move = (staticConfigs: StaticConfig[] | undefined) => {
    if (!relocation.addresses) return;
    for (const staticConfig of staticConfigs ?? []) {
      staticConfig.targets = staticConfig.targets.map((target) => {
        const moved = relocation.addresses![target];
        if (!moved) throw new Error(`no address here for ${target}`);
        return moved;
      });
    }
  };
  for (const manager of config.alerting?.alertmanagers ?? []) move(manager.static_configs);
  for (const job of config.scrape_configs ?? []) move(job.static_configs);
  if (relocation.interval)
    config.global = {
      ...config.global,
      scrape_interval: relocation.interval,
      evaluation_interval: relocation.interval,
    };
  return stringify(config);
}
