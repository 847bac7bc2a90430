// The Dockerfile and .dockerignore, read as Docker would: the lint passes on them and catches each kind of
// mistake it is meant to, and the image's settings agree with the package and the CLI.

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isIgnored, parseDockerignore } from './dockerignore.js';
import { lintDockerfile, isPinnedImage, type LintContext } from './dockerfile-lint.js';
import { envOf, execForm, labelsOf, parseDockerfile, parseHealthcheck, valuesOf, workdir } from './dockerfile.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const dockerfileText = readFileSync(`${root}/Dockerfile`, 'utf8');
const dockerignore = readFileSync(`${root}/.dockerignore`, 'utf8');
const context: LintContext = { contextDir: root, dockerignore, dataDir: '/var/lib/ere' };
const dockerfile = parseDockerfile(dockerfileText);
const final = dockerfile.stages.at(-1)!;
const packageJson = JSON.parse(readFileSync(`${root}/package.json`, 'utf8')) as { version: string; license: string };

describe('the Dockerfile lint', () => {
  it('finds no problem in the Dockerfile', () => {
    expect(lintDockerfile(dockerfileText, context)).toEqual([]);
  });

  it('catches a single stage, an unpinned base, root, no healthcheck and no volume', () => {
    const problems = lintDockerfile(
      'FROM node:latest\nWORKDIR /app\nCOPY bin ./bin\nCMD ["node", "bin/ere.js"]\n',
      context,
    );
    expect(problems).toEqual([
      'one stage only: build tools would ship in the image',
      'FROM node:latest: not pinned to a release or digest',
      'the final stage runs as root (no USER)',
      'the final stage needs exactly one HEALTHCHECK',
      '/var/lib/ere is not a VOLUME',
      'ENTRYPOINT is missing or not in exec form (signals must reach node)',
    ]);
  });

  it('catches COPY sources that the context or the earlier stage lacks', () => {
    const text = `FROM node:20.20.2-bookworm-slim AS build
WORKDIR /app
COPY src ./src
RUN npm ci
FROM node:20.20.2-bookworm-slim
COPY --from=build /app/dist ./dist
COPY --from=build /app/node_modules ./node_modules
COPY --from=tools /usr/bin/x /x
COPY node_modules ./node_modules
COPY no-such-file ./
USER 0
VOLUME /var/lib/ere
HEALTHCHECK CMD node -e "fetch('/readyz')"
ENTRYPOINT ["node", "bin/ere.js"]
CMD ["start"]
`;
    expect(lintDockerfile(text, context)).toEqual([
      'line 6: COPY --from=build /app/dist: stage build does not make it',
      'line 8: COPY --from=tools: no earlier stage has that name',
      'line 9: COPY node_modules: left out by .dockerignore',
      'line 10: COPY no-such-file: not in the build context',
      'the final stage runs as 0',
      'the HEALTHCHECK CMD is not in exec form (a JSON array)',
    ]);
  });

  it('tells pinned image references from floating ones', () => {
    expect(
      [
        'node:20.20.2-bookworm-slim',
        'prom/prometheus:v2.55.1',
        'grafana/grafana:11.4.0',
        `node@sha256:${'a'.repeat(64)}`,
      ].map(isPinnedImage),
    ).toEqual([true, true, true, true]);
    expect(
      ['node:20-bookworm-slim', 'node:lts', 'node', 'prom/prometheus:latest', 'localhost:5000/node'].map(isPinnedImage),
    ).toEqual([false, false, false, false, false]);
  });
});

describe('.dockerignore', () => {
  const rules = parseDockerignore(dockerignore);

  it('keeps out what must not reach the build: dependencies, builds, databases, tests, git', () => {
    for (const path of [
      'node_modules',
      'node_modules/fastify/package.json',
      'dist/main.js',
      'ere.db',
      '.git/HEAD',
      'test/service.test.ts',
      'scratch/note.md',
      'deploy/prometheus/prometheus.yml',
    ]) {
      expect(isIgnored(rules, path), path).toBe(true);
    }
  });

  it('lets in what the build and the runtime stage copy', () => {
    for (const path of [
      'package.json',
      'package-lock.json',
      'tsconfig.build.json',
      'src/main.ts',
      'bin/ere.js',
      'migrations/001_rpc_samples_and_rollups.sql',
      'deploy/ere/ere.yaml',
      'docs/runbooks/rpc.md',
    ]) {
      expect(isIgnored(rules, path), path).toBe(false);
    }
  });

  it('applies the last matching line, and a directory pattern to what is under it', () => {
    const sample = parseDockerignore('docs\n!docs/runbooks\ndocs/runbooks/draft-*\n');
    expect(
      ['docs/api.md', 'docs/runbooks/rpc.md', 'docs/runbooks/draft-x.md'].map((path) => isIgnored(sample, path)),
    ).toEqual([true, false, true]);
    expect(isIgnored(parseDockerignore('**/*.db\n'), 'a/b/c.db')).toBe(true);
  });
});

describe('the runtime stage', () => {
  it('runs as the fixed non-root uid it creates, owning only the data directory', () => {
    expect(valuesOf(final, 'USER').at(-1)).toBe('10001:10001');
    const setup = valuesOf(final, 'RUN').join('\n');
    expect(setup).toMatch(/useradd [^\n]*--uid 10001 /);
    expect(setup).toMatch(/chown ere:ere \/var\/lib\/ere/);
    // Created in the image, so that a new named volume takes the ere user's ownership.
    expect(setup).toMatch(/mkdir -p \/var\/lib\/ere/);
  });

  it('runs `ere start --config /etc/ere/ere.yaml` through node, flags the CLI knows', () => {
    expect(execForm(valuesOf(final, 'ENTRYPOINT').at(-1)!)).toEqual(['node', 'bin/ere.js']);
    const cmd = execForm(valuesOf(final, 'CMD').at(-1)!);
    expect(cmd).toEqual(['start', '--config', '/etc/ere/ere.yaml']);
    const help = execFileSync(process.execPath, [`${root}/bin/ere.js`, 'start', '--help'], { encoding: 'utf8' });
    expect(help).toContain('--config <file>');
    expect(workdir(final)).toBe('/app');
  });

  it('exposes the port and declares the volume the compose config uses', () => {
    expect(valuesOf(final, 'EXPOSE')).toEqual(['9470']);
    expect(valuesOf(final, 'VOLUME')).toEqual(['["/var/lib/ere"]']);
    expect(envOf(final)).toMatchObject({ NODE_ENV: 'production' });
  });

  it("checks health within Docker's timeout", () => {
    const healthcheck = parseHealthcheck(
      final.instructions.find((instruction) => instruction.keyword === 'HEALTHCHECK')!,
    );
    expect(healthcheck.options).toEqual({ interval: '15s', timeout: '5s', 'start-period': '60s', retries: '3' });
    // The request gives up (exit 1) before Docker kills the check at --timeout.
    expect(healthcheck.command.join(' ')).toContain('AbortSignal.timeout(4000)');
  });

  it('carries OCI labels that agree with package.json and its base image', () => {
    const labels = labelsOf(final);
    expect(labels).toMatchObject({
      'org.opencontainers.image.title': 'ERE Monitor',
      'org.opencontainers.image.version': packageJson.version,
      'org.opencontainers.image.licenses': packageJson.license,
      'org.opencontainers.image.base.name': final.image,
    });
  });

  it('builds on the same pinned Node image in both stages, one the package supports', () => {
    expect(new Set(dockerfile.stages.map((stage) => stage.image))).toEqual(new Set(['node:20.20.2-bookworm-slim']));
    expect(dockerfile.stages.map((stage) => stage.name)).toEqual(['build', 'runtime']);
    // engines.node is >=20.19: the image's Node must satisfy it.
    const [major, minor] = /node:(\d+)\.(\d+)/.exec(final.image)!.slice(1).map(Number);
    expect(major! > 20 || (major === 20 && minor! >= 19)).toBe(true);
  });
});
