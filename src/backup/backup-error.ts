// Why a backup or a restore refused or failed, as a code safe to branch on and a message for operators.

import { EreError } from '../domain/errors.js';

export type BackupErrorCode =
  | 'source_missing'
  | 'destination_exists'
  | 'target_exists'
  | 'not_a_database'
  | 'corrupt'
  | 'not_ere'
  | 'newer_schema'
  | 'unknown_migration'
  | 'edited_migration'
  | 'live_wal'
  | 'in_use'
  | 'aborted';

export class BackupError extends EreError {
  override name = 'BackupError';
  readonly code: BackupErrorCode;

  constructor(code: BackupErrorCode, shortMessage: string, options: { details?: string; cause?: unknown } = {}) {
    super(shortMessage, options);
    this.code = code;
  }
}
