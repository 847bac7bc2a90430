// An alert's identity: its label set, hashed. Stable across restarts and replicas (the same labels give the
// same fingerprint anywhere), independent of label order, and short enough for URLs.

import { createHash } from 'node:crypto';
import type { AlertLabels } from '../domain/alert.js';

/** The labels sorted by name, as a fresh object (JSON of it is canonical). */
export function sortedLabels(labels: AlertLabels): Record<string, string> {
  return Object.fromEntries(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** 16 hex digits of SHA-256 over the sorted `name\xffvalue\xff` pairs (a separator no label contains). */
export function fingerprintOf(labels: AlertLabels): string {
  const hash = createHash('sha256');
  for (const [name, value] of Object.entries(sortedLabels(labels))) hash.update(`${name}\xff${value}\xff`);
  return hash.digest('hex').slice(0, 16);
}
