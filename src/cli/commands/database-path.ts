// What `ere backup` and `ere restore` share: the database named by --db or by the config's storage.path,
// and sizes as people read them.

import { loadConfigFile } from '../../config/load.js';
import { UsageError } from '../args.js';

export function databasePathOf(values: { config?: string | undefined; db?: string | undefined }): string {
  if (values.db) return values.db;
  if (values.config) return loadConfigFile(values.config).storage.path;
  throw new UsageError('--config <file> or --db <file> is required');
}

export function formatBytes(bytes: number): string {
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 'bytes';
  for (const next of units) {
    if (value < 1024) break;
    value /= 1024;
    unit = next;
  }
  return unit === 'bytes' ? `${bytes} bytes` : `${value.toFixed(1)} ${unit} (${bytes} bytes)`;
}
