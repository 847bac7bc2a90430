// Planted secrets: keys of every shape (short, word-like, UUID, hex; in the path, in user:pass@, in the
// query, in headers) configured for RPC endpoints, a canary key, a beacon endpoint and a receiver of every kind, all
// pointing at a server that echoes back everything it was sent, as Express's default 404 does. The
// service runs until its endpoints are down, its alerts fire and every receiver has failed; then every
// GET route of the OpenAPI document, /metrics, the logs at trace, every row of every table of the SQLite
// file and of a backup made with `ere backup`, and the output of check-config, test-notify and report are
// read: none may hold a planted secret. The counts are printed.

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfigFile } from '../../src/config/load.js';
import { createLogger } from '../../src/log/logger.js';
import { secretsScrubber, startService, type RunningService } from '../../src/main.js';
import { runEre } from '../helpers/ere-cli.js';
import { tempDir, waitFor } from '../helpers/service.js';

const planted = {
  short: 'abc',
  word: 'hunter2',
  password: 'mysecretpassword',
  uuid: '0e4f3c2a-77d1-4b1e-9c3f-5a6b7c8d9e0f',
  hex: '9f8e7d6c5b4a39281706f5e4d3c2b1a0',
  rpcPath: 'RPCECHOSECRET1',
  queryKey: 'QUERYKEYSECRET77',
  header: 'HeaderTokenSecret5',
  shortHeader: 'zq9',
  beaconPath: 'BEACONPATHSECRET3',
  beaconQuery: 'beaconquerysecret',
  slack: 'SlackPathSecret88',
  discord: 'DiscordT0kenSecret',
  telegram: 'AAEtelegramBotSecret',
  pagerduty: 'PdRoutingKeySecret0123',
  webhookHeader: 'WebhookAuthSecret42',
  alertmanagerUser: 'amuser',
  alertmanagerPassword: 'AmPassSecret7',
  apiToken: 'ApiBearerTokenSecret0123',
  canaryKey: `0x${'5eed'.repeat(16)}`,
  canaryKeyDigits: '5eed'.repeat(16),
};
const secrets = Object.values(planted);

/** A short secret counts where it stands alone (`abc` inside a hex hash is not it). */
function leaks(text: string): string[] {
  return secrets.filter((secret) =>
    secret.length >= 8 ? text.includes(secret) : new RegExp(`(?<![A-Za-z0-9])${secret}(?![A-Za-z0-9])`).test(text),
  );
}

const escapeHtml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

let echo: Server;
let service: RunningService;
let dir: string;
let configPath: string;
const logLines: string[] = [];
let scanned = 0;
let places = 0;
const found: { where: string; secrets: string[] }[] = [];

function scan(where: string, text: string): void {
  scanned += Buffer.byteLength(text);
  places += 1;
  const hits = leaks(text);
  if (hits.length > 0) found.push({ where, secrets: hits });
}

function tableRows(path: string): Record<string, string> {
  const db = new Database(path, { readonly: true });
  try {
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[];
    return Object.fromEntries(
      tables.map(({ name }) => [
        name,
        JSON.stringify(db.prepare(`SELECT * FROM "${name}"`).all(), (_key, value) =>
          typeof value === 'bigint' ? String(value) : Buffer.isBuffer(value) ? value.toString('latin1') : value,
        ),
      ]),
    );
  } finally {
    db.close();
  }
}

beforeAll(async () => {
  echo = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      const echoed =
        `<pre>Cannot ${request.method} ${escapeHtml(request.url ?? '')}</pre> ` +
        `headers=${JSON.stringify(request.headers)} body=${body.slice(0, 1_000)}`;
      response
        .writeHead(404, { 'content-type': 'text/html; charset=utf-8', 'x-echo-url': encodeURI(request.url ?? '') })
        .end(echoed);
    });
  });
  await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
  const host = `127.0.0.1:${(echo.address() as AddressInfo).port}`;
  dir = tempDir('ere-planted-');
  configPath = join(dir, 'ere.yaml');
  const config = {
    server: { host: '127.0.0.1', port: 0, auth: { token: planted.apiToken } },
    storage: { path: join(dir, 'ere.db'), flushInterval: '100ms' },
    log: { level: 'trace' },
    chains: [
      {
        id: 'local',
        chainId: 31337,
        pollInterval: '300ms',
        timeout: '250ms',
        rpc: [
          { id: 'short', url: `http://${host}/v2/${planted.short}` },
          { id: 'words', url: `http://rpcuser:${planted.word}@${host}/rpc/${planted.password}` },
          {
            id: 'keyed',
            url: `http://${host}/eth/mainnet/${planted.uuid}?apikey=${planted.queryKey}&k=${planted.hex}`,
            headers: { 'X-Api-Key': planted.header, 'X-Short': planted.shortHeader },
          },
          { id: 'plain', url: `http://${host}/${planted.rpcPath}` },
        ],
        canary: { privateKey: planted.canaryKey, interval: '1s', watchInterval: '300ms', maxFeePerGas: 1 },
        beacon: {
          endpoints: [
            {
              id: 'bn',
              url: `http://${host}/bn/${planted.beaconPath}?token=${planted.beaconQuery}`,
              headers: { Authorization: `Bearer ${planted.header}` },
            },
          ],
        },
      },
    ],
    alerting: {
      evaluationInterval: '1s',
      rules: [
        {
          name: 'EndpointDown',
          source: 'endpoint',
          metric: 'up',
          op: '==',
          threshold: 0,
          for: '0s',
          severity: 'warning',
        },
      ],
      receivers: [
        { id: 'slack', kind: 'slack', url: `http://${host}/services/T0/B0/${planted.slack}` },
        { id: 'discord', kind: 'discord', url: `http://${host}/api/webhooks/1122/${planted.discord}` },
        {
          id: 'telegram',
          kind: 'telegram',
          botToken: `123456:${planted.telegram}`,
          chatId: 42,
          apiUrl: `http://${host}`,
        },
        { id: 'pagerduty', kind: 'pagerduty', routingKey: planted.pagerduty, url: `http://${host}/v2/enqueue` },
        {
          id: 'webhook',
          kind: 'webhook',
          url: `http://${host}/hook/${planted.short}?key=${planted.word}`,
          headers: { Authorization: `Bearer ${planted.webhookHeader}` },
        },
        {
          id: 'alertmanager',
          kind: 'alertmanager',
          url: `http://${planted.alertmanagerUser}:${planted.alertmanagerPassword}@${host}/am/${planted.hex}`,
        },
      ],
      route: {
        receiver: 'slack',
        groupWait: '0s',
        routes: ['discord', 'telegram', 'pagerduty', 'webhook', 'alertmanager', 'slack'].map((receiver) => ({
          receiver,
          continue: true,
        })),
      },
    },
    slos: [{ id: 'avail', service: 'rpc', objective: 99, sli: { kind: 'availability', chain: 'local' } }],
  };
  writeFileSync(configPath, JSON.stringify(config, null, 2));
  const loaded = loadConfigFile(configPath);
  const scrubber = secretsScrubber(loaded);
  const logger = createLogger({
    level: 'trace',
    scrubber,
    destination: { write: (line: string) => void logLines.push(line) },
  });
  service = await startService(loaded, { scrubber, logger });
}, 60_000);

afterAll(async () => {
  await service?.stop();
  await new Promise<void>((resolve) => echo?.close(() => resolve()));
});

describe('planted secrets', () => {
  it('appear nowhere ERE stores or shows, though every remote server echoes them', async () => {
    const get = async (url: string) =>
      service.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${planted.apiToken}` } });
    // Every receiver has failed at least once: the echoed answers are stored.
    await waitFor(
      async () => {
        const { notifications } = JSON.parse((await get('/api/v1/notifications')).body) as {
          notifications: { receiver: string; lastError: string | null }[];
        };
        const failedReceivers = new Set(
          notifications.filter((each) => each.lastError !== null).map((each) => each.receiver),
        );
        return failedReceivers.size === 6;
      },
      40_000,
      'every receiver to have failed',
    );
    service.flush();

    const openapi = JSON.parse((await get('/api/v1/openapi.json')).body) as {
      paths: Record<string, { get?: unknown }>;
    };
    const ids: Record<string, string[]> = {
      chain: ['local'],
      id: ['short', 'words', 'keyed', 'plain', 'bn', 'avail'],
      name: ['EndpointDown'],
      fingerprint: [],
    };
    const { alerts } = JSON.parse((await get('/api/v1/alerts')).body) as { alerts: { fingerprint: string }[] };
    ids.fingerprint = alerts.map((alert) => alert.fingerprint);
    let routes = 0;
    for (const [template, operations] of Object.entries(openapi.paths)) {
      if (!operations.get) continue;
      routes += 1;
      const params = [...template.matchAll(/\{([A-Za-z_]+)\}/g)].map((match) => match[1]!);
      const values =
        params.length === 0
          ? [template]
          : (ids[params[0]!] ?? ['x']).map((value) => template.replace(/\{[A-Za-z_]+\}/g, value));
      for (const url of values) {
        const response = await get(url);
        scan(`GET ${url}`, `${JSON.stringify(response.headers)}\n${response.body}`);
      }
    }
    scan('GET /metrics', (await get('/metrics')).body);
    scan('logs', logLines.join(''));
    for (const [table, rows] of Object.entries(tableRows(join(dir, 'ere.db')))) scan(`sqlite ${table}`, rows);

    const backup = join(dir, 'backup.db');
    const backupRun = await runEre(['backup', '--config', configPath, '--to', backup]);
    expect(backupRun.status, backupRun.stderr).toBe(0);
    scan('ere backup', backupRun.stdout + backupRun.stderr);
    for (const [table, rows] of Object.entries(tableRows(backup))) scan(`backup ${table}`, rows);

    for (const args of [
      ['check-config', configPath],
      ['report', '--config', configPath, '--format', 'json'],
      ...['slack', 'discord', 'telegram', 'pagerduty', 'webhook', 'alertmanager'].map((receiver) => [
        'test-notify',
        '--receiver',
        receiver,
        '--config',
        configPath,
      ]),
    ]) {
      const run = await runEre(args);
      scan(`ere ${args.join(' ')}`, run.stdout + run.stderr);
    }

    console.log(
      `planted secrets: ${secrets.length} secrets planted, ${routes} GET routes checked, ` +
        `${places} places read, ${scanned} bytes scanned, ${found.length} leaks`,
    );
    expect(found).toEqual([]);
    expect(routes).toBeGreaterThan(10);
  }, 120_000);
});
