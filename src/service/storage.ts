// The store's upkeep: retention on its cron schedule, asking every capability to prune its own tables, and
// the scheduled online backups.

import cron from 'node-cron';
import { scheduleBackups } from '../backup/scheduled-backups.js';
import type { Capability, ServiceContext } from './capability.js';

export function createStorage(context: ServiceContext, capabilities: readonly Capability[]): Capability {
  const { config, clock, selfMetrics: metrics } = context;
  const log = context.logger.child({ module: 'store' });
  const retention = cron.schedule(config.storage.retentionSchedule, () => {
    try {
      const deleted: Record<string, number> = {};
      for (const capability of capabilities) Object.assign(deleted, capability.prune(clock.now()));
      for (const [table, rows] of Object.entries(deleted)) metrics.retentionDeleted.inc({ table }, rows);
      log.info(deleted, 'retention applied');
    } catch (error) {
      log.error({ err: error }, 'retention failed');
    }
  });
  const { backup } = config.storage;
  const logger = context.logger.child({ module: 'backup' });
  const backups = backup && scheduleBackups(config.storage.path, backup, { clock, metrics, log: logger });
  return {
    name: 'storage',
    tasks: [],
    http: {},
    alertRules: [],
    prune: () => ({}),
    stop: async () => {
      await retention.stop();
      await backups?.stop();
    },
  };
}
