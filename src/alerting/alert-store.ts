// Alerts that are pending or firing, every transition of every alert, and silences, in SQLite.

import type { Database, Statement } from 'better-sqlite3';
import type { AlertState, Severity } from '../domain/alert.js';
import type { Matcher } from './matchers.js';
import type { Silence } from './silences.js';

/** An alert that is pending or firing, as the engine keeps it (and reloads it after a restart). */
export interface AlertRecord {
  fingerprint: string;
  rule: string;
  severity: Severity;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: 'pending' | 'firing';
  value: number | null;
  activeSinceMs: number;
  firingSinceMs: number | null;
  lastActiveMs: number;
  firingTransitionId: number | null;
  ack: { by: string; atMs: number; comment: string } | null;
  updatedAtMs: number;
}

export interface TransitionRecord {
  id: number;
  fingerprint: string;
  rule: string;
  severity: Severity;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  from: AlertState;
  to: AlertState;
  atMs: number;
  value: number | null;
  /** When the firing episode began (firing and resolved transitions). */
  startsAtMs: number | null;
}

interface AlertRow {
  fingerprint: string;
  rule: string;
  severity: Severity;
  labels: string;
  annotations: string;
  state: 'pending' | 'firing';
  value: number | null;
  active_since_ms: number;
  firing_since_ms: number | null;
  last_active_ms: number;
  firing_transition_id: number | null;
  acked_by: string | null;
  acked_at_ms: number | null;
  ack_comment: string | null;
  updated_at_ms: number;
}

function toRecord(row: AlertRow): AlertRecord {
  return {
    fingerprint: row.fingerprint,
    rule: row.rule,
    severity: row.severity,
    labels: JSON.parse(row.labels) as Record<string, string>,
    annotations: JSON.parse(row.annotations) as Record<string, string>,
    state: row.state,
    value: row.value,
    activeSinceMs: row.active_since_ms,
    firingSinceMs: row.firing_since_ms,
    lastActiveMs: row.last_active_ms,
    firingTransitionId: row.firing_transition_id,
    ack:
      row.acked_by === null ? null : { by: row.acked_by, atMs: row.acked_at_ms ?? 0, comment: row.ack_comment ?? '' },
    updatedAtMs: row.updated_at_ms,
  };
}

interface TransitionRow {
  id: number;
  fingerprint: string;
  rule: string;
  severity: Severity;
  labels: string;
  annotations: string;
  from_state: AlertState;
  to_state: AlertState;
  at_ms: number;
  value: number | null;
  starts_at_ms: number | null;
}

function toTransition(row: TransitionRow): TransitionRecord {
  return {
    id: row.id,
    fingerprint: row.fingerprint,
    rule: row.rule,
    severity: row.severity,
    labels: JSON.parse(row.labels) as Record<string, string>,
    annotations: JSON.parse(row.annotations) as Record<string, string>,
    from: row.from_state,
    to: row.to_state,
    atMs: row.at_ms,
    value: row.value,
    startsAtMs: row.starts_at_ms,
  };
}

export interface TransitionQuery {
  fromMs: number;
  toMs: number;
  fingerprint?: string | undefined;
  limit: number;
}

export class AlertStore {
  private readonly upsert: Statement;
  private readonly remove: Statement;
  private readonly insertTransitionStatement: Statement;
  private readonly setAck: Statement;
  private readonly upsertSilence: Statement;

  constructor(private readonly db: Database) {
    this.upsert =
      db.prepare(`INSERT INTO alerts (fingerprint, rule, severity, labels, annotations, state, value, active_since_ms,
            firing_since_ms, last_active_ms,
        firing_transition_id, acked_by, acked_at_ms, ack_comment, updated_at_ms)
      VALUES (@fingerprint, @rule, @severity, @labels, @annotations, @state, @value, @activeSinceMs, @firingSinceMs,
      @lastActiveMs, @firingTransitionId,
        @ackedBy, @ackedAtMs, @ackComment, @updatedAtMs)
      ON CONFLICT (fingerprint) DO UPDATE SET rule = excluded.rule, severity = excluded.severity, labels =
      excluded.labels, annotations = excluded.annotations,
        state = excluded.state, value = excluded.value, active_since_ms = excluded.active_since_ms, firing_since_ms =
        excluded.firing_since_ms,
        last_active_ms = excluded.last_active_ms, firing_transition_id = excluded.firing_transition_id, acked_by =
        excluded.acked_by,
        acked_at_ms = excluded.acked_at_ms, ack_comment = excluded.ack_comment, updated_at_ms =
        excluded.updated_at_ms`);
    this.remove = db.prepare('DELETE FROM alerts WHERE fingerprint = ?');
    this.insertTransitionStatement =
      db.prepare(`INSERT INTO alert_transitions (fingerprint, rule, severity, labels, annotations, from_state,
            to_state, at_ms, value, starts_at_ms)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    this.setAck = db.prepare('UPDATE alerts SET acked_by = ?, acked_at_ms = ?, ack_comment = ? WHERE fingerprint = ?');
    this.upsertSilence =
      db.prepare(`INSERT INTO silences (id, matchers, starts_at_ms, ends_at_ms, created_by, comment, created_at_ms,
            updated_at_ms)
      VALUES (@id, @matchers, @startsAtMs, @endsAtMs, @createdBy, @comment, @createdAtMs, @updatedAtMs)
      ON CONFLICT (id) DO UPDATE SET matchers = excluded.matchers, starts_at_ms = excluded.starts_at_ms, ends_at_ms =
      excluded.ends_at_ms,
        created_by = excluded.created_by, comment = excluded.comment, updated_at_ms = excluded.updated_at_ms`);
  }

  transaction<T>(work: () => T): T {
    return this.db.transaction(work)();
  }

  alerts(): AlertRecord[] {
    return (this.db.prepare('SELECT * FROM alerts').all() as AlertRow[]).map(toRecord);
  }

  saveAlert(alert: AlertRecord): void {
    this.upsert.run({
      ...alert,
      labels: JSON.stringify(alert.labels),
      annotations: JSON.stringify(alert.annotations),
      ackedBy: alert.ack?.by ?? null,
      ackedAtMs: alert.ack?.atMs ?? null,
      ackComment: alert.ack?.comment ?? null,
    });
  }

  deleteAlert(fingerprint: string): void {
    this.remove.run(fingerprint);
  }

  /** Stores a transition and returns its id. */
  insertTransition(transition: Omit<TransitionRecord, 'id'>): number {
    const t = transition;
    const result = this.insertTransitionStatement.run(
      t.fingerprint,
      t.rule,
      t.severity,
      JSON.stringify(t.labels),
      JSON.stringify(t.annotations),
      t.from,
      t.to,
      t.atMs,
      t.value,
      t.startsAtMs,
    );
    return Number(result.lastInsertRowid);
  }

  saveAck(fingerprint: string, ack: AlertRecord['ack']): void {
    this.setAck.run(ack?.by ?? null, ack?.atMs ?? null, ack?.comment ?? null, fingerprint);
  }

  /** Transitions with at_ms in [fromMs, toMs), newest first. */
  transitions(query: TransitionQuery): TransitionRecord[] {
    const byAlert = query.fingerprint === undefined ? '' : 'AND fingerprint = @fingerprint';
    const rows = this.db
      .prepare(
        `SELECT * FROM alert_transitions WHERE at_ms >= @fromMs AND at_ms < ` +
          `@toMs ${byAlert} ORDER BY at_ms DESC, id DESC LIMIT @limit`,
      )
      .all({
        fromMs: query.fromMs,
        toMs: query.toMs,
        limit: query.limit,
        ...(query.fingerprint === undefined ? {} : { fingerprint: query.fingerprint }),
      }) as TransitionRow[];
    return rows.map(toTransition);
  }

  silences(): Silence[] {
    const rows = this.db.prepare('SELECT * FROM silences ORDER BY created_at_ms, id').all() as {
      id: string;
      matchers: string;
      starts_at_ms: number;
      ends_at_ms: number;
      created_by: string;
      comment: string;
      created_at_ms: number;
      updated_at_ms: number;
    }[];
    return rows.map((row) => ({
      id: row.id,
      matchers: JSON.parse(row.matchers) as Matcher[],
      startsAtMs: row.starts_at_ms,
      endsAtMs: row.ends_at_ms,
      createdBy: row.created_by,
      comment: row.comment,
      createdAtMs: row.created_at_ms,
      updatedAtMs: row.updated_at_ms,
    }));
  }

  saveSilence(silence: Silence): void {
    this.upsertSilence.run({ ...silence, matchers: JSON.stringify(silence.matchers) });
  }

  /** Deletes silences that ended before `cutoffMs`, and transitions older than it. */
  prune(cutoffMs: number): { silences: number; transitions: number } {
    return {
      silences: this.db.prepare('DELETE FROM silences WHERE ends_at_ms < ?').run(cutoffMs).changes,
      // Transitions an outbox row still refers to stay until that row goes.
      transitions: this.db
        .prepare(
          'DELETE FROM alert_transitions WHERE at_ms < ? AND id NOT IN (SELECT transition_id FROM notifications) AND ' +
            'id NOT IN (SELECT firing_transition_id FROM alerts WHERE firing_transition_id IS NOT NULL)',
        )
        .run(cutoffMs).changes,
    };
  }
}
