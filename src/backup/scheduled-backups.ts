// Backups the service takes on a cron schedule (`storage.backup`), copied and checked in a worker thread so
// that probes and HTTP go on meanwhile; each one counted, timed and logged, and the oldest of its backups
// deleted beyond `keep`.

import { join } from 'node:path';
import cron from 'node-cron';
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
  /** Stops scheduling and a backup in progress; resolves once it has let go of the database. */
  stop(): Promise<void>;
}

/** `databasePath` is the service's database, open in it: the worker reads it on a connection of its own. */
export function scheduleBackups(
  databasePath: string,
  settings: BackupSettings,
  deps: { clock: Clock; metrics: SelfMetrics; log: Logger },
): ScheduledBackups {
  const { clock, metrics, log } = deps;
  const stopping = new AbortController();
  let running: Promise<void> | undefined;

  const takeBackup = async (): Promise<void> => {
    const destination = join(settings.dir, backupFileName(databasePath, clock.now()));
    try {
      const result = await backupDatabase(databasePath, destination, { signal: stopping.signal });
      metrics.backups.inc({ outcome: 'success' });
      metrics.backupDuration.observe(result.durationMs / 1_000);
      metrics.backupSize.set(result.bytes);
      metrics.backupLastSuccess.set(clock.now() / 1_000);
      log.info(
        {
          path: result.path,
          bytes: result.bytes,
          durationMs: Math.round(result.durationMs),
          schemaVersion: result.schemaVersion,
        },
        'backup written',
      );
    } catch (error) {
      if (error instanceof BackupError && error.code === 'aborted')
        return void log.info({ path: destination }, 'backup stopped by shutdown');
      metrics.backups.inc({ outcome: 'failure' });
      return void log.error({ err: error, path: destination }, 'backup failed');
    }
    try {
      const deleted = pruneBackups(settings.dir, databasePath, settings.keep);
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
