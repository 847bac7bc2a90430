// Which notifications an alert needs now, as a pure function of what each receiver was last told. The
// engine runs it every cycle for every firing alert and at each resolve, so that silences ending, acks,
// repeat intervals and restarts all come out of one rule instead of special cases:
//
//   alert     | last told (this receiver)                 | muted | → notification
//   ----------+-------------------------------------------+-------+--------------------------------------
//   firing    | nothing about this firing episode          | no    | firing
//   firing    | nothing about this firing episode          | yes   | firing, suppressed (recorded, not sent)
//   firing    | suppressed record of this episode          | no    | firing (the silence ended)
//   firing    | sent this episode, repeat interval passed   | no    | reminder, unless acknowledged
//   resolved  | firing or reminder, not suppressed         | any   | resolved (when the receiver wants them)
//
// Receivers that need re-sends (Alertmanager) repeat at their own interval, acknowledged or not.

import type { NotificationKind } from '../domain/alert.js';
import type { NotificationStatus } from '../notify/outbox.js';

/** The latest notification of an alert to one receiver. */
export interface LastTold {
  transitionId: number;
  seq: number;
  kind: NotificationKind;
  status: NotificationStatus;
  createdAtMs: number;
}

export interface ReceiverPolicy {
  receiver: string;
  repeatIntervalMs: number;
  resendIntervalMs?: number | undefined;
  sendResolved: boolean;
}

export interface PlannedNotification {
  receiver: string;
  kind: NotificationKind;
  transitionId: number;
  seq: number;
  status: 'pending' | 'suppressed';
  reason: string | null;
}

export function planFiring(input: {
  firingTransitionId: number;
  acknowledged: boolean;
  /** Why the alert is muted now (silenced, inhibited), or null. */
  muted: string | null;
  receivers: readonly ReceiverPolicy[];
  lastTold: (receiver: string) => LastTold | undefined;
  nowMs: number;
}): PlannedNotification[] {
  const planned: PlannedNotification[] = [];
  for (const policy of input.receivers) {
    const last = input.lastTold(policy.receiver);
    const base = { receiver: policy.receiver, transitionId: input.firingTransitionId };
    if (last === undefined || last.transitionId !== input.firingTransitionId) {
      planned.push(
        input.muted === null
          ? { ...base, kind: 'firing', seq: 0, status: 'pending', reason: null }
          : { ...base, kind: 'firing', seq: 0, status: 'suppressed', reason: input.muted },
      );
      continue;
    }
    if (input.muted !== null) continue;
    if (last.status === 'suppressed') {
      planned.push({ ...base, kind: 'firing', seq: last.seq + 1, status: 'pending', reason: null });
      continue;
    }
    const resend = policy.resendIntervalMs !== undefined;
    const interval = policy.resendIntervalMs ?? policy.repeatIntervalMs;
    if ((resend || !input.acknowledged) && input.nowMs - last.createdAtMs >= interval) {
      planned.push({ ...base, kind: 'reminder', seq: last.seq + 1, status: 'pending', reason: null });
    }
  }
  return planned;
}

export function planResolved(input: {
  resolveTransitionId: number;
  receivers: readonly ReceiverPolicy[];
  lastTold: (receiver: string) => LastTold | undefined;
}): PlannedNotification[] {
  return input.receivers
    .filter((policy) => policy.sendResolved)
    .filter((policy) => {
      const last = input.lastTold(policy.receiver);
      return last !== undefined && last.status !== 'suppressed' && last.kind !== 'resolved';
    })
    .map((policy) => ({
      receiver: policy.receiver,
      kind: 'resolved' as const,
      transitionId: input.resolveTransitionId,
      seq: 0,
      status: 'pending' as const,
      reason: null,
    }));
}
