// docker-compose.yml and its own-chains override, checked without a Docker engine: the services and what
// they mount (every host path present in the repository), the ports users browse, healthchecks, restart
// policies, pinned images, and that the files each service is pointed at agree with one another.

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { interpolate, parseMount, parsePort, readCompose, type ComposeService } from './compose.js';
import { isPinnedImage } from './dockerfile-lint.js';
import { execForm, parseDockerfile, parseHealthcheck, valuesOf } from './dockerfile.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const compose = readCompose(`${root}/docker-compose.yml`);
const override = readCompose(`${root}/deploy/compose.own-chains.yml`);
const services = compose.services;
const final = parseDockerfile(readFileSync(`${root}/Dockerfile`, 'utf8')).stages.at(-1)!;
const packageJson = JSON.parse(readFileSync(`${root}/package.json`, 'utf8')) as { version: string };

function service(name: string): ComposeService {
  const found = services[name];
  if (!found) throw new Error(`no service ${name}`);
  return found;
}

function mounts(name: string) {
  return (service(name).volumes ?? []).map(parseMount);
}

/** The host path (relative to the repository) mounted at `target` in the service. */
function hostPathAt(name: string, target: string): string {
  const mount = mounts(name).find((candidate) => candidate.target === target);
  if (!mount?.bind) throw new Error(`${name} mounts nothing from the host at ${target}`);
  return mount.source;
}

describe('docker-compose.yml', () => {
  it('runs ERE, Prometheus, Alertmanager and Grafana; ERE is the demo devnet unless overridden', () => {
    expect(Object.keys(services).sort()).toEqual(['alertmanager', 'ere', 'grafana', 'prometheus']);
    expect(service('ere').command).toEqual(['demo', '--host', '0.0.0.0', '--port', '9470']);
    expect(Object.keys(override.services)).toEqual(['ere']);
    // The override restores the image's own command: `ere start` with the mounted config.
    expect(override.services.ere!.command).toEqual(execForm(valuesOf(final, 'CMD').at(-1)!));
  });

  it('mounts host paths that exist in the repository', () => {
    const binds = Object.keys(services).flatMap((name) =>
      mounts(name)
        .filter((mount) => mount.bind)
        .map((mount) => ({ name, ...mount })),
    );
    expect(binds.length).toBeGreaterThanOrEqual(7);
    // dashboards/ and alerts/ are written beside this file; each must be there for `docker compose up`.
    const missing = binds
      .filter((mount) => !existsSync(`${root}/${mount.source}`))
      .map((mount) => `${mount.name}: ${mount.source}`);
    expect(missing).toEqual([]);
    for (const mount of binds) expect(mount.readOnly, `${mount.name} ${mount.source} read-only`).toBe(true);
  });

  it("gives Grafana the dashboards' provisioning layout exactly", () => {
    expect(
      mounts('grafana')
        .filter((mount) => mount.bind)
        .map(({ source, target }) => [source, target]),
    ).toEqual([
      ['./dashboards/provisioning/datasources', '/etc/grafana/provisioning/datasources'],
      ['./dashboards/provisioning/dashboards', '/etc/grafana/provisioning/dashboards'],
      ['./dashboards', '/var/lib/grafana/dashboards/ere'],
    ]);
    const environment = service('grafana').environment ?? {};
    expect(environment).toMatchObject({ GF_AUTH_ANONYMOUS_ENABLED: 'true', GF_AUTH_ANONYMOUS_ORG_ROLE: 'Viewer' });
    expect(interpolate(environment.GF_SECURITY_ADMIN_PASSWORD!, { GRAFANA_ADMIN_PASSWORD: 's3cret' })).toBe('s3cret');
  });

  it('keeps state in named volumes, the database on the volume the image declares', () => {
    const named = Object.keys(services).flatMap((name) =>
      mounts(name)
        .filter((mount) => !mount.bind)
        .map((mount) => mount.source),
    );
    expect(named.sort()).toEqual(Object.keys(compose.volumes ?? {}).sort());
    expect(mounts('ere').find((mount) => mount.source === 'ere-data')?.target).toBe(
      JSON.parse(valuesOf(final, 'VOLUME')[0]!)[0],
    );
    expect(mounts('prometheus').find((mount) => mount.source === 'prometheus-data')?.target).toBe('/prometheus');
    expect(mounts('alertmanager').find((mount) => mount.source === 'alertmanager-data')?.target).toBe('/alertmanager');
    expect(mounts('grafana').find((mount) => mount.source === 'grafana-data')?.target).toBe('/var/lib/grafana');
  });

  it('publishes only the four ports users browse, on 127.0.0.1 unless BIND_ADDRESS says otherwise', () => {
    const published = Object.entries(services).flatMap(([name, entry]) =>
      (entry.ports ?? []).map((port) => ({ name, ...parsePort(port) })),
    );
    expect(published).toEqual([
      { name: 'ere', hostIp: '127.0.0.1', hostPort: 9470, containerPort: 9470 },
      { name: 'prometheus', hostIp: '127.0.0.1', hostPort: 9090, containerPort: 9090 },
      { name: 'alertmanager', hostIp: '127.0.0.1', hostPort: 9093, containerPort: 9093 },
      { name: 'grafana', hostIp: '127.0.0.1', hostPort: 3000, containerPort: 3000 },
    ]);
    expect(parsePort(service('grafana').ports![0]!, { BIND_ADDRESS: '0.0.0.0' }).hostIp).toBe('0.0.0.0');
    expect(valuesOf(final, 'EXPOSE')).toEqual([String(published[0]!.containerPort)]);
  });

  it('pins every image, and builds ERE as the version package.json names', () => {
    for (const [name, entry] of Object.entries(services)) {
      expect(isPinnedImage(entry.image ?? ''), `${name}: ${entry.image}`).toBe(true);
    }
    expect(service('ere').build).toBe('.');
    expect(service('ere').image).toBe(`ere-monitor:${packageJson.version}`);
  });

  it("gives every service a healthcheck and a restart policy, ERE the image's own healthcheck", () => {
    for (const [name, entry] of Object.entries(services)) {
      expect(entry.healthcheck?.test[0], name).toBe('CMD');
      expect(entry.healthcheck?.start_period, name).toMatch(/^\d+s$/);
      expect(entry.restart, name).toBe('unless-stopped');
    }
    const image = parseHealthcheck(final.instructions.find((instruction) => instruction.keyword === 'HEALTHCHECK')!);
    expect(service('ere').healthcheck?.test).toEqual(['CMD', ...image.command]);
    const { interval, timeout, start_period: startPeriod, retries } = service('ere').healthcheck!;
    expect({ interval, timeout, 'start-period': startPeriod, retries: String(retries) }).toEqual(image.options);
  });

  it('runs no service as root: the ERE image is uid 10001 and nothing overrides a user', () => {
    expect(valuesOf(final, 'USER').at(-1)).toBe('10001:10001');
    for (const [name, entry] of Object.entries({ ...services, ...override.services }))
      expect(entry.user, name).toBeUndefined();
  });

  it('waits on health only for services that have a healthcheck, with no cycle', () => {
    const edges = Object.entries({ ...services }).flatMap(([name, entry]) =>
      Object.entries({ ...entry.depends_on, ...override.services[name]?.depends_on }).map(
        ([dependency, { condition }]) => ({ name, dependency, condition }),
      ),
    );
    expect(edges.length).toBeGreaterThanOrEqual(3);
    for (const edge of edges) {
      expect(Object.keys(services), `${edge.name} → ${edge.dependency}`).toContain(edge.dependency);
      if (edge.condition === 'service_healthy')
        expect(service(edge.dependency).healthcheck, edge.dependency).toBeDefined();
      else expect(edge.condition).toBe('service_started');
    }
    const visit = (name: string, seen: Set<string>): void => {
      expect(seen.has(name), `cycle through ${name}`).toBe(false);
      for (const edge of edges.filter((candidate) => candidate.name === name))
        visit(edge.dependency, new Set([...seen, name]));
    };
    for (const name of Object.keys(services)) visit(name, new Set());
    expect(edges).toContainEqual({ name: 'grafana', dependency: 'prometheus', condition: 'service_healthy' });
  });
});

describe('the files the services are pointed at', () => {
  const prometheusConfig = parse(readFileSync(`${root}/deploy/prometheus/prometheus.yml`, 'utf8')) as {
    global: { scrape_interval: string };
    rule_files: string[];
    alerting: { alertmanagers: { static_configs: { targets: string[] }[] }[] };
    scrape_configs: { job_name: string; static_configs: { targets: string[] }[] }[];
  };

  it('Prometheus and Alertmanager read the mounted configs', () => {
    expect(service('prometheus').command).toContain(`--config.file=/etc/prometheus/prometheus.yml`);
    expect(hostPathAt('prometheus', '/etc/prometheus/prometheus.yml')).toBe('./deploy/prometheus/prometheus.yml');
    expect(service('alertmanager').command).toContain(`--config.file=/etc/alertmanager/alertmanager.yml`);
    expect(hostPathAt('alertmanager', '/etc/alertmanager/alertmanager.yml')).toBe(
      './deploy/alertmanager/alertmanager.yml',
    );
  });

  it('the rule files Prometheus loads are the rules in alerts/, and nothing else there', () => {
    const alertsDir = hostPathAt('prometheus', '/etc/prometheus/rules');
    expect(prometheusConfig.rule_files).toEqual(['/etc/prometheus/rules/*.rules.yml']);
    const files = readdirSync(`${root}/${alertsDir}`).filter((file) =>
      statSync(`${root}/${alertsDir}/${file}`).isFile(),
    );
    const loaded = files.filter((file) => file.endsWith('.rules.yml'));
    expect(loaded.length).toBeGreaterThan(0);
    for (const file of files) {
      // A YAML file there that is not loaded must not be a rules file left out by the glob, and vice versa.
      const document = /\.ya?ml$/.test(file)
        ? (parse(readFileSync(`${root}/${alertsDir}/${file}`, 'utf8')) as Record<string, unknown> | null)
        : null;
      const isRules = document !== null && Array.isArray(document.groups);
      expect(loaded.includes(file), file).toBe(isRules);
    }
    expect(files).toContain('alertmanager.example.yml');
  });

  it(
    'Prometheus scrapes ERE as job "ere" and alerts through ' +
      'Alertmanager, by compose service name and container port',
    () => {
      const ereJob = prometheusConfig.scrape_configs.find((job) => job.job_name === 'ere');
      expect(ereJob?.static_configs.flatMap((config) => config.targets)).toEqual(['ere:9470']);
      expect(
        prometheusConfig.alerting.alertmanagers.flatMap((manager) =>
          manager.static_configs.flatMap((config) => config.targets),
        ),
      ).toEqual(['alertmanager:9093']);
      const ereConfig = parseConfig(readFileSync(`${root}/deploy/ere/ere.yaml`, 'utf8'));
      expect(ereConfig.server.port).toBe(9470);
    },
  );

  it('ERE reads its config from the mounted deploy/ere/ and keeps its database on ere-data', () => {
    expect(hostPathAt('ere', '/etc/ere')).toBe('./deploy/ere');
    const cmd = execForm(valuesOf(final, 'CMD').at(-1)!);
    const configPath = cmd[cmd.indexOf('--config') + 1]!;
    expect(existsSync(`${root}/deploy/ere/${configPath.replace('/etc/ere/', '')}`)).toBe(true);
    const ereConfig = parseConfig(readFileSync(`${root}/deploy/ere/ere.yaml`, 'utf8'));
    const dataDir = mounts('ere').find((mount) => mount.source === 'ere-data')!.target;
    expect(ereConfig.storage.path.startsWith(`${dataDir}/`)).toBe(true);
    expect(ereConfig.server.host).toBe('0.0.0.0');
  });

  it("Grafana's provisioning points at the compose Prometheus and at the mounted dashboards", () => {
    // Written beside this file (dashboards/provisioning/); read here so that the two cannot drift apart.
    const datasources = readdirSync(`${root}/dashboards/provisioning/datasources`).flatMap(
      (file) =>
        (
          parse(readFileSync(`${root}/dashboards/provisioning/datasources/${file}`, 'utf8')) as {
            datasources: { type: string; url: string; jsonData?: { timeInterval?: string } }[];
          }
        ).datasources,
    );
    const prometheus = datasources.filter((datasource) => datasource.type === 'prometheus');
    expect(prometheus.map((datasource) => datasource.url)).toEqual(['http://prometheus:9090']);
    // $__rate_interval is derived from the datasource's scrape interval: it must be Prometheus' own.
    expect(prometheus.map((datasource) => datasource.jsonData?.timeInterval)).toEqual([
      prometheusConfig.global.scrape_interval,
    ]);
    const providers = readdirSync(`${root}/dashboards/provisioning/dashboards`).flatMap(
      (file) =>
        (
          parse(readFileSync(`${root}/dashboards/provisioning/dashboards/${file}`, 'utf8')) as {
            providers: { options: { path: string } }[];
          }
        ).providers,
    );
    expect(providers.map((provider) => provider.options.path)).toEqual(['/var/lib/grafana/dashboards/ere']);
  });
});
