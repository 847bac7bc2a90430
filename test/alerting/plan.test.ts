import { describe, expect, it } from 'vitest';
import {
  planFiring,
  planResolved,
  type LastTold,
  type PlannedNotification,
  type ReceiverPolicy,
} from '../../src/alerting/plan.js';

const nowMs = 1_700_000_000_000;
const minute = 60_000;
const hour = 60 * minute;

/** The firing episode the alert is in now. */
const episode = 42;

const chat: ReceiverPolicy = { receiver: 'chat', repeatIntervalMs: 4 * hour, sendResolved: true };
/** Alertmanager-like: re-sends every 5 minutes whatever the route says, acknowledged or not. */
const alertmanager: ReceiverPolicy = {
  receiver: 'am',
  repeatIntervalMs: 4 * hour,
  resendIntervalMs: 5 * minute,
  sendResolved: true,
};
const noResolved: ReceiverPolicy = { receiver: 'pager', repeatIntervalMs: hour, sendResolved: false };

function told(fields: Partial<LastTold> = {}): LastTold {
  return { transitionId: episode, seq: 0, kind: 'firing', status: 'delivered', createdAtMs: nowMs - minute, ...fields };
}

const firing = (receiver: string, seq = 0): PlannedNotification => ({
  receiver,
  kind: 'firing',
  transitionId: episode,
  seq,
  status: 'pending',
  reason: null,
});
const reminder = (receiver: string, seq: number): PlannedNotification => ({
  receiver,
  kind: 'reminder',
  transitionId: episode,
  seq,
  status: 'pending',
  reason: null,
});

interface FiringCase {
  name: string;
  policy: ReceiverPolicy;
  last?: LastTold;
  muted?: string;
  acknowledged?: boolean;
  expected: PlannedNotification[];
}

const firingCases: FiringCase[] = [
  { name: 'first firing: told nothing yet', policy: chat, expected: [firing('chat')] },
  {
    name: 'a new episode: last told about an earlier firing',
    policy: chat,
    last: told({ transitionId: 7, seq: 3, kind: 'resolved' }),
    expected: [firing('chat')],
  },
  {
    name: 'a new episode right after the previous one was sent: no repeat interval applies',
    policy: chat,
    last: told({ transitionId: 7, createdAtMs: nowMs }),
    expected: [firing('chat')],
  },
  {
    name: 'first firing while muted: recorded as suppressed with the reason',
    policy: chat,
    muted: 'silenced by s-1',
    expected: [
      {
        receiver: 'chat',
        kind: 'firing',
        transitionId: episode,
        seq: 0,
        status: 'suppressed',
        reason: 'silenced by s-1',
      },
    ],
  },
  {
    name: 'a new episode while inhibited: suppressed',
    policy: chat,
    last: told({ transitionId: 7 }),
    muted: 'inhibited by inhibit rule 0',
    expected: [
      {
        receiver: 'chat',
        kind: 'firing',
        transitionId: episode,
        seq: 0,
        status: 'suppressed',
        reason: 'inhibited by inhibit rule 0',
      },
    ],
  },
  {
    name: 'suppressed and still muted: nothing more',
    policy: chat,
    last: told({ status: 'suppressed', createdAtMs: nowMs - 5 * hour }),
    muted: 'silenced by s-1',
    expected: [],
  },
  {
    name: 'suppressed, the silence ended: firing, seq + 1',
    policy: chat,
    last: told({ status: 'suppressed' }),
    expected: [firing('chat', 1)],
  },
  {
    name: 'suppressed, the silence ended, acknowledged meanwhile: still the first page',
    policy: chat,
    last: told({ status: 'suppressed', seq: 2 }),
    acknowledged: true,
    expected: [firing('chat', 3)],
  },
  {
    name: 'sent, repeat interval not passed: nothing',
    policy: chat,
    last: told({ createdAtMs: nowMs - 4 * hour + 1 }),
    expected: [],
  },
  {
    name: 'sent, repeat interval passed exactly: reminder, seq + 1',
    policy: chat,
    last: told({ createdAtMs: nowMs - 4 * hour }),
    expected: [reminder('chat', 1)],
  },
  {
    name: 'a reminder sent, interval passed again: the next reminder',
    policy: chat,
    last: told({ kind: 'reminder', seq: 3, createdAtMs: nowMs - 5 * hour }),
    expected: [reminder('chat', 4)],
  },
  {
    name: 'still pending in the outbox: the interval counts from when it was queued',
    policy: chat,
    last: told({ status: 'pending', createdAtMs: nowMs - 4 * hour }),
    expected: [reminder('chat', 1)],
  },
  {
    name: 'acknowledged: no reminder',
    policy: chat,
    last: told({ createdAtMs: nowMs - 10 * hour }),
    acknowledged: true,
    expected: [],
  },
  {
    name: 'sent, now muted: no reminder and no suppressed record',
    policy: chat,
    last: told({ createdAtMs: nowMs - 10 * hour }),
    muted: 'silenced by s-1',
    expected: [],
  },
  {
    name: 'resend interval (Alertmanager): re-sent although acknowledged',
    policy: alertmanager,
    last: told({ createdAtMs: nowMs - 5 * minute }),
    acknowledged: true,
    expected: [reminder('am', 1)],
  },
  {
    name: 'resend interval replaces the repeat interval',
    policy: alertmanager,
    last: told({ createdAtMs: nowMs - 5 * minute + 1 }),
    expected: [],
  },
  {
    name: 'resend interval, muted: nothing',
    policy: alertmanager,
    last: told({ createdAtMs: nowMs - hour }),
    muted: 'silenced by s-1',
    acknowledged: true,
    expected: [],
  },
];

describe('planFiring', () => {
  it.each(firingCases)('$name', ({ policy, last, muted, acknowledged, expected }) => {
    const planned = planFiring({
      firingTransitionId: episode,
      acknowledged: acknowledged ?? false,
      muted: muted ?? null,
      receivers: [policy],
      lastTold: (receiver) => (receiver === policy.receiver ? last : undefined),
      nowMs,
    });
    expect(planned).toEqual(expected);
  });

  it('plans each receiver from what that receiver was told', () => {
    const lastTold = new Map<string, LastTold>([
      ['chat', told({ createdAtMs: nowMs - 5 * hour })],
      ['am', told({ createdAtMs: nowMs - minute })],
    ]);
    const planned = planFiring({
      firingTransitionId: episode,
      acknowledged: false,
      muted: null,
      receivers: [chat, alertmanager, noResolved],
      lastTold: (receiver) => lastTold.get(receiver),
      nowMs,
    });
    expect(planned).toEqual([reminder('chat', 1), firing('pager')]);
  });
});

interface ResolvedCase {
  name: string;
  policy: ReceiverPolicy;
  last?: LastTold;
  expected: boolean;
}

const resolvedCases: ResolvedCase[] = [
  { name: 'told of the firing: resolved', policy: chat, last: told(), expected: true },
  { name: 'last told a reminder: resolved', policy: chat, last: told({ kind: 'reminder', seq: 2 }), expected: true },
  {
    name: 'the firing still pending in the outbox: resolved, delivered after it',
    policy: chat,
    last: told({ status: 'pending' }),
    expected: true,
  },
  { name: 'a resend receiver told of the firing: resolved', policy: alertmanager, last: told(), expected: true },
  { name: 'sendResolved false: nothing', policy: noResolved, last: told(), expected: false },
  {
    name: 'only ever suppressed: nothing to take back',
    policy: chat,
    last: told({ status: 'suppressed' }),
    expected: false,
  },
  { name: 'told nothing: nothing', policy: chat, expected: false },
  {
    name: 'already told it resolved: not twice',
    policy: chat,
    last: told({ kind: 'resolved', transitionId: 50 }),
    expected: false,
  },
];

describe('planResolved', () => {
  it.each(resolvedCases)('$name', ({ policy, last, expected }) => {
    const planned = planResolved({
      resolveTransitionId: 99,
      receivers: [policy],
      lastTold: (receiver) => (receiver === policy.receiver ? last : undefined),
    });
    expect(planned).toEqual(
      expected
        ? [{ receiver: policy.receiver, kind: 'resolved', transitionId: 99, seq: 0, status: 'pending', reason: null }]
        : [],
    );
  });

  it('plans each receiver on its own', () => {
    const lastTold = new Map<string, LastTold>([
      ['chat', told({ status: 'suppressed' })],
      ['am', told()],
      ['pager', told()],
    ]);
    const planned = planResolved({
      resolveTransitionId: 99,
      receivers: [chat, alertmanager, noResolved],
      lastTold: (receiver) => lastTold.get(receiver),
    });
    expect(planned.map((plan) => plan.receiver)).toEqual(['am']);
  });
});
