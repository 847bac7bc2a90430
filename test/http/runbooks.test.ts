// GET /runbooks and /runbooks/:name on the real service: the runbooks of docs/runbooks served as written,
// every alert's runbook_url resolving to a runbook holding its section, and nothing outside the directory.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { alertRules, runbookAnchors, runbooksDir, runbookTarget } from '../alerts/rule-files.js';
import { freePort } from '../helpers/alertmanager.js';
import { startCapturedService, tempDir, type CapturedService } from '../helpers/service.js';

let service: CapturedService;
const get = (url: string, headers: Record<string, string> = {}) => service.app.inject({ method: 'GET', url, headers });

beforeAll(async () => {
  // Reads of /api/v1 need the token here: the runbooks are documentation, open like /metrics.
  const config = parseConfig(
    JSON.stringify({
      server: { host: '127.0.0.1', port: 0, auth: { token: 'runbook-test-token-0123456789', protectReads: true } },
      storage: { path: join(tempDir(), 'ere.db') },
      chains: [{ id: 'local', chainId: 31337, rpc: [{ id: 'closed', url: `http://127.0.0.1:${await freePort()}` }] }],
    }),
  );
  service = await startCapturedService(config);
}, 30_000);

afterAll(async () => {
  await service?.stop();
});

describe('runbook routes', () => {
  it('serve a runbook as written, as text/plain to a browser and text/markdown to whoever asks for it', async () => {
    const expected = readFileSync(join(runbooksDir, 'rpc.md'), 'utf8');
    const browser = await get('/runbooks/rpc', { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' });
    expect(browser.statusCode).toBe(200);
    expect(browser.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(browser.body).toBe(expected);
    const markdown = await get('/runbooks/rpc.md', { accept: 'text/markdown' });
    expect(markdown.headers['content-type']).toBe('text/markdown; charset=utf-8');
    expect(markdown.headers.vary).toBe('Accept');
    expect(markdown.body).toBe(expected);
    expect((await get('/api/v1/chains')).statusCode).toBe(401);
  });

  it('list the runbooks', async () => {
    const index = await get('/runbooks');
    expect(index.statusCode).toBe(200);
    expect(index.body).toBe(
      '# Runbooks\n\n- [consensus](/runbooks/consensus)\n- [ere](/runbooks/ere)\n- [governance](/runbooks/' +
        'governance)\n- [rpc](/runbooks/rpc)\n- [slo](/runbooks/slo)\n',
    );
  });

  it('resolve every alert’s runbook_url to a runbook holding the alert’s section', async () => {
    const alerts = alertRules();
    expect(alerts.length).toBeGreaterThan(30);
    for (const alert of alerts) {
      const target = runbookTarget(alert.annotations.runbook_url!)!;
      const response = await get(`/runbooks/${target.name}`);
      expect(response.statusCode, alert.alert).toBe(200);
      expect([...runbookAnchors(response.body)], alert.alert).toContain(target.anchor);
    }
  });

  it(
    'answer 404 for an unknown runbook and 400 for a name that ' + 'is not one, never reading outside the directory',
    async () => {
      expect((await get('/runbooks/nope')).json()).toEqual({ error: 'not_found', message: 'no runbook "nope"' });
      expect((await get('/runbooks/README')).statusCode).toBe(400);
      for (const name of ['..%2F..%2Fpackage.json', '%2Fetc%2Fpasswd', 'RPC', '.hidden', 'rpc.txt']) {
        const response = await get(`/runbooks/${name}`);
        expect(response.statusCode, name).toBe(400);
        expect(response.json(), name).toMatchObject({ error: 'bad_request', field: 'params.name' });
      }
      expect((await get('/runbooks/../package.json')).statusCode).toBe(404);
    },
  );
});
