// The container's entry commands, run outside Docker from the runtime stage laid out as the Dockerfile
// copies it (production dependencies only, as uid 10001 when the tests run as root): the image's own
// `ere start --config /etc/ere/ere.yaml` and docker-compose.yml's demo, each judged by the HEALTHCHECK's
// own command, which must also fail when nothing, a 503 or a silent server answers.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../helpers/alertmanager.js';
import { waitFor } from '../helpers/service.js';
import { readCompose } from './compose.js';
import { exitOf, productionPackages, stageImageLayout, type ImageLayout } from './image-layout.js';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const composeCommand = readCompose(`${repo}/docker-compose.yml`).services.ere!.command!;
let image: ImageLayout;

beforeAll(() => {
  image = stageImageLayout(repo, readFileSync(`${repo}/Dockerfile`, 'utf8'));
});
afterAll(() => image?.remove());

/**
 * Runs the image's healthcheck against a port, as Docker would (ERE_HEALTHCHECK_PORT being how it is told another
 * port).
 */
async function healthcheck(port: number): Promise<number | null> {
  return exitOf(image.spawn(image.healthcheck, { ERE_HEALTHCHECK_PORT: String(port) }));
}

/** `--port` replaced (or added) so that the test takes a free port instead of 9470. */
function onPort(args: readonly string[], port: number): string[] {
  const at = args.indexOf('--port');
  return at >= 0
    ? args.map((arg, index) => (index === at + 1 ? String(port) : arg))
    : [...args, '--port', String(port)];
}

async function stop(child: ReturnType<ImageLayout['spawn']>, exited: Promise<number | null>): Promise<number | null> {
  child.kill('SIGTERM');
  const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  const code = await exited;
  clearTimeout(killer);
  return code;
}

describe('the runtime stage laid out from the Dockerfile', () => {
  it('holds the production dependencies only, anvil among them', () => {
    const dir = image.path('/app/node_modules');
    const installed = readdirSync(dir).flatMap((name) =>
      name.startsWith('@') ? readdirSync(`${dir}/${name}`).map((inner) => `${name}/${inner}`) : [name],
    );
    expect(installed.sort()).toEqual(productionPackages(repo).sort());
    expect(installed).toEqual(
      expect.arrayContaining(['better-sqlite3', 'solc', '@foundry-rs/anvil-linux-amd64', '@openzeppelin/contracts']),
    );
    for (const devOnly of ['vitest', 'tsx', 'fast-check', '@types/node']) expect(installed).not.toContain(devOnly);
  });
});

describe('the image command: ere start --config /etc/ere/ere.yaml', () => {
  it('becomes ready, serves metrics and runbooks, keeps its ' +
    'database on the volume, and stops cleanly on SIGTERM', async () => {
    const port = await freePort();
    expect(await healthcheck(port)).toBe(1);
    // The config's storage path is /var/lib/ere/ere.db; --db points it at the volume directory laid out here.
    const output = { text: '' };
    const child = image.spawn([
      ...image.entrypoint,
      ...onPort(image.cmd, port),
      '--db',
      image.path('/var/lib/ere/ere.db'),
    ]);
    const exited = exitOf(child, output);
    try {
      await waitFor(
        async () => (await healthcheck(port)) === 0,
        30_000,
        `the healthcheck to pass (output: ${output.text.slice(-2_000)})`,
      );
      const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      expect(metrics).toContain('ere_rpc_probes_total');
      const runbooks = await (await fetch(`http://127.0.0.1:${port}/runbooks`)).text();
      const shipped = readdirSync(`${repo}/docs/runbooks`).filter(
        (file) => file.endsWith('.md') && file !== 'README.md',
      );
      expect(shipped.length).toBeGreaterThan(0);
      for (const file of shipped) expect(runbooks).toContain(`(/runbooks/${file.slice(0, -3)})`);
      const database = statSync(image.path('/var/lib/ere/ere.db'));
      if (process.getuid?.() === 0) expect(database.uid).toBe(10001);
      expect(output.text).toContain('"msg":"applied migrations"');
    } finally {
      expect(await stop(child, exited)).toBe(0);
    }
    expect(await healthcheck(port)).toBe(1);
  }, 60_000);
});

describe("docker-compose.yml's ere command: the demo devnet", () => {
  it('runs the demo from the image: anvil, the DAO compiled with solc, ' +
    'the beacon simulator; healthy, then stops on SIGTERM', async () => {
    const port = await freePort();
    const output = { text: '' };
    const child = image.spawn([...image.entrypoint, ...onPort(composeCommand, port)]);
    const exited = exitOf(child, output);
    try {
      await waitFor(
        async () => (await healthcheck(port)) === 0,
        90_000,
        `the demo's healthcheck to pass (output: ${output.text.slice(-2_000)})`,
      );
      expect(output.text).not.toContain('could not be deployed');
      const chain = (await (await fetch(`http://127.0.0.1:${port}/api/v1/chains/demo`)).json()) as {
        configuredEndpoints?: number;
      };
      expect(chain.configuredEndpoints).toBe(3);
      const proposals = await fetch(`http://127.0.0.1:${port}/api/v1/governance/proposals`);
      expect(proposals.status).toBe(200);
      // The simulated beacon node, probed once ERE is up.
      await waitFor(
        async () =>
          /^ere_beacon_up\{[^}]*endpoint="[^"]+"[^}]*\} 1$/m.test(
            await (await fetch(`http://127.0.0.1:${port}/metrics`)).text(),
          ),
        30_000,
        'the beacon endpoint up',
      );
    } finally {
      expect(await stop(child, exited)).toBe(0);
    }
  }, 150_000);
});

describe('the healthcheck command', () => {
  let server: Server | undefined;
  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  });

  async function serve(handler: Parameters<typeof createServer>[1]): Promise<number> {
    server = createServer(handler);
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    return (server.address() as { port: number }).port;
  }

  it("fails on a 503 (not ready) and on a server that never answers, within Docker's 5 s timeout", async () => {
    let answer: 'not ready' | 'never' = 'not ready';
    const asked: string[] = [];
    const port = await serve((request, response) => {
      asked.push(request.url ?? '');
      if (answer === 'not ready')
        response
          .writeHead(503, { 'content-type': 'application/json' })
          .end('{"error":"not_ready","message":"migrating"}');
    });
    expect(await healthcheck(port)).toBe(1);
    answer = 'never';
    const started = Date.now();
    expect(await healthcheck(port)).toBe(1);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(asked).toEqual(['/readyz', '/readyz']);
  }, 20_000);
});
