// Backups the service takes on a cron schedule (`storage.backup`), through its own connection, a few pages
// at a time so that probes and HTTP run between the steps; each one counted, timed and logged, and the
// oldest of its backups deleted beyond `keep`.

import { join } from 'node:path';
import cron from 'node-cron';
import type { Database } from 'better-sqlite3';
import type { Clock } from '../domain/clock.js';
import type { Logger } from '../log/logger.js';
import type { SelfMetrics } from '../metrics/self-metrics.js';
import { BackupError } from './backup-error.js';
import { backupFileName, pruneBackups } from './backup-files.js';
import { backupDatabase } from './online-backup.js';

export interface BackupSettings {
  schedule: string;
  dir: string;
  keep: number;
}

export interface ScheduledBackups {
  /** Stops scheduling and stops a backup in progress between two steps; resolves once it has let go of the database. */
  stop(): Promise<void>;
}

/**
 * About 1 MiB at SQLite's default page size: a step takes a millisecond or two. Writes by the service go
 * through the same connection, which SQLite applies to the copy as it goes instead of starting it again.
 */
const pagesPerStep = 256;

export function scheduleBackups(db: Database, settings: BackupSettings, deps: { clock: Clock; metrics: SelfMetrics; log: Logger }): ScheduledBackups {
  const { clock, metrics, log } = deps;
  const stopping = new AbortController();
  let running: Promise<void> | undefined;

  const takeBackup = async (): Promise<void> => {
    const destination = join(settings.dir, backupFileName(db.name, clock.now()));
    try {
      const result = await backupDatabase(db, destination, { pagesPerStep, signal: stopping.signal });
      metrics.backups.inc({ outcome: 'success' });
      metrics.backupDuration.observe(result.durationMs / 1_000);
      metrics.backupSize.set(result.bytes);
      metrics.backupLastSuccess.set(clock.now() / 1_000);
      log.info({ path: result.path, bytes: result.bytes, durationMs: Math.round(result.durationMs), schemaVersion: result.schemaVersion }, 'backup written');
    } catch (error) {
      if (error instanceof BackupError && error.code === 'aborted') return void log.info({ path: destination }, 'backup stopped by shutdown');
      metrics.backups.inc({ outcome: 'failure' });
      return void log.error({ err: error, path: destination }, 'backup failed');
    }
    try {
      const deleted = pruneBackups(settings.dir, db.name, settings.keep);
      if (deleted.length > 0) log.info({ dir: settings.dir, deleted, keep: settings.keep }, 'old backups deleted');
    } catch (error) {
      log.error({ err: error, dir: settings.dir }, 'deleting old backups failed');
    }
  };

  const task = cron.schedule(settings.schedule, async () => {
    if (running) {
      metrics.backups.inc({ outcome: 'skipped' });
      return void log.warn({ dir: settings.dir }, 'backup skipped: the previous one is still running');
    }
    running = takeBackup().finally(() => (running = undefined));
    await running;
  });
  log.info({ schedule: settings.schedule, dir: settings.dir, keep: settings.keep }, 'backups scheduled');

  return {
    stop: async () => {
      await task.stop();
      stopping.abort();
      await running;
    },
  };
}
