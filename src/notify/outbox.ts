// The notification outbox: one row per notification and receiver, written with the transition that caused
// it, delivered by the delivery worker, and marked delivered only once the receiver accepted it. Every
// attempt is recorded.

import type { Database, Statement } from 'better-sqlite3';
import type { AlertSnapshot, NotificationKind } from '../domain/alert.js';

export type NotificationStatus = 'pending' | 'delivered' | 'failed' | 'suppressed';
export const notificationStatuses: readonly NotificationStatus[] = ['pending', 'delivered', 'failed', 'suppressed'];

export interface NewNotification {
  transitionId: number;
  seq: number;
  fingerprint: string;
  receiver: string;
  groupKey: string;
  groupLabels: Record<string, string>;
  kind: NotificationKind;
  status: 'pending' | 'suppressed';
  reason: string | null;
  alert: AlertSnapshot;
  createdAtMs: number;
  dueAtMs: number;
}

export interface NotificationRecord extends Omit<NewNotification, 'status'> {
  id: number;
  status: NotificationStatus;
  nextAttemptAtMs: number;
  attempts: number;
  firstAttemptAtMs: number | null;
  lastAttemptAtMs: number | null;
  deliveredAtMs: number | null;
  lastStatusCode: number | null;
  lastError: string | null;
}

export interface AttemptRecord {
  atMs: number;
  outcome: 'delivered' | 'retry' | 'failed';
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}

interface NotificationRow {
  id: number;
  transition_id: number;
  seq: number;
  fingerprint: string;
  receiver: string;
  group_key: string;
  group_labels: string;
  kind: NotificationKind;
  status: NotificationStatus;
  reason: string | null;
  alert: string;
  created_at_ms: number;
  due_at_ms: number;
  next_attempt_at_ms: number;
  attempts: number;
  first_attempt_at_ms: number | null;
  last_attempt_at_ms: number | null;
  delivered_at_ms: number | null;
  last_status_code: number | null;
  last_error: string | null;
}

function toRecord(row: NotificationRow): NotificationRecord {
  return {
    id: row.id,
    transitionId: row.transition_id,
    seq: row.seq,
    fingerprint: row.fingerprint,
    receiver: row.receiver,
    groupKey: row.group_key,
    groupLabels: JSON.parse(row.group_labels) as Record<string, string>,
    kind: row.kind,
    status: row.status,
    reason: row.reason,
    alert: JSON.parse(row.alert) as AlertSnapshot,
    createdAtMs: row.created_at_ms,
    dueAtMs: row.due_at_ms,
    nextAttemptAtMs: row.next_attempt_at_ms,
    attempts: row.attempts,
    firstAttemptAtMs: row.first_attempt_at_ms,
    lastAttemptAtMs: row.last_attempt_at_ms,
    deliveredAtMs: row.delivered_at_ms,
    lastStatusCode: row.last_status_code,
    lastError: row.last_error,
  };
}

/**
 * The idempotency key receivers deduplicate with: `<fingerprint>:<transition id>`, `:<seq>` for repeats, then
 * `@<created at, ms>`. Transition ids start again in a fresh database and repeat after a restore from a
 * backup, so the id alone would name a new page with a key a receiver has already seen; the time the
 * notification was created does not repeat, and it is stored with the row, so every attempt sends the same key.
 */
export function idempotencyKey(
  row: Pick<NotificationRecord, 'fingerprint' | 'transitionId' | 'seq' | 'createdAtMs'>,
): string {
  return `${row.fingerprint}:${row.transitionId}${row.seq === 0 ? '' : `:${row.seq}`}@${row.createdAtMs}`;
}

export interface AttemptOutcome {
  ids: number[];
  atMs: number;
  durationMs: number;
  outcome: 'delivered' | 'retry' | 'failed';
  statusCode: number | null;
  error: string | null;
  /** For retries: when to try again; past the give-up time the rows fail instead. */
  nextAttemptAtMs?: number;
  giveUpBeforeMs?: number;
}

export class Outbox {
  private readonly insertStatement: Statement;
  private readonly dueStatement: Statement;
  private readonly waitingDue: Statement;
  private readonly lastFlush: Statement;
  private readonly insertAttempt: Statement;
  private readonly markDelivered: Statement;
  private readonly markRetry: Statement;
  private readonly markFailed: Statement;

  constructor(private readonly db: Database) {
    this.insertStatement =
      db.prepare(`INSERT INTO notifications (transition_id, seq, fingerprint, receiver, group_key, group_labels, kind,
            status, reason, alert,
        created_at_ms, due_at_ms, next_attempt_at_ms)
      VALUES (@transitionId, @seq, @fingerprint, @receiver, @groupKey, @groupLabels, @kind, @status, @reason, @alert,
      @createdAtMs, @dueAtMs, @dueAtMs)`);
    // Only the oldest pending notification of each alert is deliverable: an alert's notifications go out
    // in order, so a resolve never overtakes the firing it resolves.
    this.dueStatement = db.prepare(`SELECT n.* FROM notifications n
      WHERE n.receiver = @receiver AND n.status = 'pending' AND n.due_at_ms <= @now AND n.next_attempt_at_ms <= @now
        AND n.id = (SELECT min(m.id) FROM notifications m WHERE m.receiver = n.receiver AND m.fingerprint =
        n.fingerprint AND m.status = 'pending')
      ORDER BY n.id LIMIT @limit`);
    this.waitingDue = db.prepare(`SELECT min(due_at_ms) AS due FROM notifications
      WHERE receiver = ? AND group_key = ? AND status = 'pending' AND attempts = 0 AND due_at_ms > ?`);
    this.lastFlush = db.prepare(
      'SELECT max(first_attempt_at_ms) AS at FROM notifications WHERE receiver = ? AND group_key = ?',
    );
    this.insertAttempt = db.prepare(
      'INSERT INTO notification_attempts (notification_id, at_ms, outcome, ' +
        'status_code, error, duration_ms) VALUES (?, ?, ?, ?, ?, ?)',
    );
    const attempted =
      'attempts = attempts + 1, first_attempt_at_ms = coalesce(first_attempt_at_ms, ' +
      '@atMs), last_attempt_at_ms = @atMs, last_status_code = @statusCode';
    this.markDelivered = db.prepare(
      `UPDATE notifications SET status = 'delivered', delivered_at_ms = @atMs, ` +
        `last_error = NULL, ${attempted} WHERE id = @id AND status = 'pending'`,
    );
    this.markRetry = db.prepare(
      `UPDATE notifications SET next_attempt_at_ms = @nextAttemptAtMs, last_error ` +
        `= @error, ${attempted} WHERE id = @id AND status = 'pending'`,
    );
    this.markFailed = db.prepare(
      `UPDATE notifications SET status = 'failed', last_error = @error, ` +
        `${attempted} WHERE id = @id AND status = 'pending'`,
    );
  }

  insert(notification: NewNotification): number {
    const result = this.insertStatement.run({
      ...notification,
      groupLabels: JSON.stringify(notification.groupLabels),
      alert: JSON.stringify(notification.alert),
    });
    return Number(result.lastInsertRowid);
  }

  /**
   * When a new notification of a group goes out: with the group's notifications already waiting; a group
   * interval after the group's last delivery; or a group wait from now for a group quiet that long.
   */
  groupDueAt(
    receiver: string,
    groupKey: string,
    nowMs: number,
    timing: { groupWaitMs: number; groupIntervalMs: number },
  ): number {
    const waiting = (this.waitingDue.get(receiver, groupKey, nowMs) as { due: number | null }).due;
    if (waiting !== null) return waiting;
    const flushed = (this.lastFlush.get(receiver, groupKey) as { at: number | null }).at;
    if (flushed !== null && nowMs < flushed + timing.groupIntervalMs) return flushed + timing.groupIntervalMs;
    return nowMs + timing.groupWaitMs;
  }

  /** The latest notification of each alert still pending or firing, per receiver: what each receiver was told. */
  latestOfActiveAlerts(): NotificationRecord[] {
    const rows = this.db
      .prepare(`SELECT n.* FROM notifications n JOIN (SELECT max(id) AS id FROM notifications WHERE fingerprint IN
            (SELECT fingerprint FROM alerts) GROUP BY fingerprint, receiver) latest
        ON n.id = latest.id`)
      .all() as NotificationRow[];
    return rows.map(toRecord);
  }

  /** Notifications a receiver can be sent now, oldest first. */
  due(receiver: string, nowMs: number, limit: number): NotificationRecord[] {
    return (this.dueStatement.all({ receiver, now: nowMs, limit }) as NotificationRow[]).map(toRecord);
  }

  /** Records one attempt at delivering some notifications, and its outcome for each of them. */
  recordAttempt(attempt: AttemptOutcome): void {
    this.db.transaction(() => {
      for (const id of attempt.ids) {
        this.insertAttempt.run(
          id,
          attempt.atMs,
          attempt.outcome,
          attempt.statusCode,
          attempt.error,
          attempt.durationMs,
        );
        const params = { id, atMs: attempt.atMs, statusCode: attempt.statusCode, error: attempt.error };
        if (attempt.outcome === 'delivered') this.markDelivered.run(params);
        else if (attempt.outcome === 'failed') this.markFailed.run(params);
        else {
          const row = this.db.prepare('SELECT created_at_ms FROM notifications WHERE id = ?').get(id) as
            | { created_at_ms: number }
            | undefined;
          const givenUp =
            attempt.giveUpBeforeMs !== undefined && row !== undefined && row.created_at_ms < attempt.giveUpBeforeMs;
          if (givenUp) this.markFailed.run({ ...params, error: `gave up: ${attempt.error ?? 'no answer'}` });
          else this.markRetry.run({ ...params, nextAttemptAtMs: attempt.nextAttemptAtMs ?? attempt.atMs });
        }
      }
    })();
  }

  get(id: number): NotificationRecord | undefined {
    const row = this.db.prepare('SELECT * FROM notifications WHERE id = ?').get(id) as NotificationRow | undefined;
    return row === undefined ? undefined : toRecord(row);
  }

  /** Newest first. */
  list(query: {
    status?: NotificationStatus | undefined;
    receiver?: string | undefined;
    fingerprint?: string | undefined;
    limit: number;
  }): NotificationRecord[] {
    const where: string[] = [];
    if (query.status !== undefined) where.push('status = @status');
    if (query.receiver !== undefined) where.push('receiver = @receiver');
    if (query.fingerprint !== undefined) where.push('fingerprint = @fingerprint');
    const sql =
      `SELECT * FROM notifications ` +
      `${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT @limit`;
    const params = Object.fromEntries(Object.entries(query).filter(([, value]) => value !== undefined));
    return (this.db.prepare(sql).all(params) as NotificationRow[]).map(toRecord);
  }

  attempts(notificationId: number): AttemptRecord[] {
    return this.db
      .prepare(
        'SELECT at_ms AS atMs, outcome, status_code AS statusCode, error, duration_ms AS ' +
          'durationMs FROM notification_attempts WHERE notification_id = ? ORDER BY id',
      )
      .all(notificationId) as AttemptRecord[];
  }

  /** Pending notifications per receiver and the age of the oldest. */
  pendingByReceiver(nowMs: number): { receiver: string; depth: number; oldestAgeSeconds: number }[] {
    const rows = this.db
      .prepare(
        'SELECT receiver, count(*) AS depth, min(created_at_ms) AS oldest FROM ' +
          "notifications WHERE status = 'pending' GROUP BY receiver",
      )
      .all() as { receiver: string; depth: number; oldest: number }[];
    return rows.map((row) => ({
      receiver: row.receiver,
      depth: row.depth,
      oldestAgeSeconds: Math.max(0, (nowMs - row.oldest) / 1_000),
    }));
  }

  /** Deletes finished notifications created before `cutoffMs`, with their attempts. */
  prune(cutoffMs: number): number {
    return this.db.transaction(() => {
      const finished = "SELECT id FROM notifications WHERE created_at_ms < ? AND status != 'pending'";
      this.db.prepare(`DELETE FROM notification_attempts WHERE notification_id IN (${finished})`).run(cutoffMs);
      // The latest notification of an alert still firing stays: it says what its receiver was told.
      return this.db
        .prepare(
          `DELETE FROM notifications WHERE id IN (${finished}) AND id NOT IN (SELECT max(id) FROM notifications ` +
            `WHERE fingerprint IN (SELECT fingerprint FROM alerts) GROUP BY fingerprint, receiver)`,
        )
        .run(cutoffMs).changes;
    })();
  }
}
