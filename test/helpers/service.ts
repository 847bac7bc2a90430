// Helpers to run the real service in a test: a config for given endpoint URLs, a temp database, and a
// logger whose lines the test can read.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../../src/config/load.js';
import type { Config } from '../../src/config/schema.js';
import { createLogger } from '../../src/log/logger.js';
import { secretsScrubber, startService, type RunningService, type ServiceOptions } from '../../src/main.js';

export function tempDir(prefix = 'ere-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export interface TestEndpoint {
  id: string;
  url: string;
  headers?: Record<string, string>;
}

export function testConfig(
  endpoints: TestEndpoint[],
  overrides: { pollInterval?: string; timeout?: string; maxLagBlocks?: number; dbPath?: string } = {},
): Config {
  return parseConfig(
    JSON.stringify({
      server: { host: '127.0.0.1', port: 0 },
      storage: { path: overrides.dbPath ?? join(tempDir(), 'ere.db'), flushInterval: '100ms' },
      log: { level: 'debug' },
      chains: [
        {
          id: 'local',
          chainId: 31337,
          pollInterval: overrides.pollInterval ?? '300ms',
          timeout: overrides.timeout ?? '250ms',
          maxLagBlocks: overrides.maxLagBlocks ?? 3,
          rpc: endpoints.map((endpoint) => ({ id: endpoint.id, url: endpoint.url, headers: endpoint.headers ?? {} })),
        },
      ],
    }),
  );
}

export interface CapturedService extends RunningService {
  logLines: string[];
}

/** Starts the service with its log captured in memory (scrubbed as in production). */
export async function startCapturedService(config: Config, options: ServiceOptions = {}): Promise<CapturedService> {
  const logLines: string[] = [];
  const scrubber = secretsScrubber(config);
  const logger = createLogger({
    level: 'debug',
    scrubber,
    destination: { write: (line: string) => void logLines.push(line) },
  });
  const service = await startService(config, { scrubber, logger, ...options });
  return Object.assign(service, { logLines });
}

/** Polls `check` until it returns a value other than undefined/false, or fails after `timeoutMs`. */
export async function waitFor<T>(
  check: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
