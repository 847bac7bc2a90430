// The metric families ERE exports with every part of it configured: the service started on the demo's own
// config (chains, beacon endpoints, validators, governance, SLOs, alerting), its endpoints pointing at a
// closed port, and /metrics read once. prom-client lists every registered family, with or without samples,
// so this is the whole set a dashboard may select, without waiting for any probe.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfigFile } from '../../src/config/load.js';
import { demoConfigYaml } from '../../src/demo/demo.js';
import { createLogger } from '../../src/log/logger.js';
import { secretsScrubber, startService } from '../../src/main.js';
import { exportedMetricNames } from '../helpers/promql.js';
import { tempDir } from '../helpers/service.js';

export async function demoExportedMetrics(): Promise<Set<string>> {
  const dir = tempDir('ere-dashboards-');
  // Port 9 (discard) is closed on loopback: every probe fails fast, and no probe is needed.
  const closed = 'http://127.0.0.1:9';
  const address = (n: number) => `0x${n.toString(16).padStart(40, '0')}` as const;
  const configPath = join(dir, 'ere.yaml');
  writeFileSync(
    configPath,
    demoConfigYaml({
      host: '127.0.0.1',
      port: 0,
      dbPath: join(dir, 'ere.db'),
      nodeUrl: closed,
      proxyA: closed,
      proxyB: closed,
      webhookUrl: closed,
      webhookKey: 'k'.repeat(48),
      governance: {
        governor: address(1),
        token: address(2),
        timelock: address(3),
        safe: address(4),
        proxy: address(5),
        startBlock: 1,
      },
      beaconUrl: closed,
    }),
  );
  const config = loadConfigFile(configPath);
  const scrubber = secretsScrubber(config);
  const logger = createLogger({ level: 'silent', scrubber, destination: { write: () => undefined } });
  const service = await startService(config, { logger, scrubber });
  try {
    return exportedMetricNames((await service.app.inject({ method: 'GET', url: '/metrics' })).body);
  } finally {
    await service.stop();
  }
}
