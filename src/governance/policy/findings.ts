// What a security council must hear about a decision before it runs, from its decoded calls and its
// simulation: it will revert; it delegatecalls code not on the allowlist; it points a proxy at code not on
// the allowlist; it lowers the timelock's delay or sets it to zero; it grants an admin, proposer, executor or
// canceller role, or hands over ownership; it adds a Safe owner not on the allowlist, or leaves a Safe below
// its threshold policy; it moves more ETH or tokens out than the limit; it destroys code; a call stayed
// undecoded. Pure: a table of checks over what the simulation recorded, each giving its findings.

import { type Address, getAddress, type Hex, keccak256, toBytes } from 'viem';
import type { DecodedCall } from '../decode/decode-call.js';
import { shortAddress } from '../kinds/change.js';
import type { SimulationResult } from '../simulate/simulate.js';

export const findingChecks = [
  'will_revert',
  'delegatecall',
  'implementation',
  'delay_lowered',
  'role_granted',
  'ownership',
  'safe_owner',
  'safe_threshold',
  'outflow',
  'code_destroyed',
  'undecoded',
] as const;
export type FindingCheck = (typeof findingChecks)[number];

export type FindingSeverity = 'critical' | 'warning';

export interface Finding {
  check: FindingCheck;
  severity: FindingSeverity;
  /** The action it is about (`1`, `2.1`…), when one. */
  action: string | null;
  /** What it changes and why it is flagged, in one sentence. */
  message: string;
}

/** A target's policy (`governance[].policy`), addresses checksummed and code hashes lower case. */
export interface DecisionPolicy {
  /** Contracts a delegatecall may run: MultiSend call-only libraries, say. */
  delegatecallAllowlist: readonly Address[];
  /** Code hashes a proxy may be pointed at. */
  implementationAllowlist: readonly Hex[];
  /** Accounts that may be added as Safe owners. */
  ownerAllowlist: readonly Address[];
  /** The most of ETH (`token: ETH`) or of a token that one decision may move out of the treasury, in base units. */
  outflowLimits: readonly { token: 'ETH' | Address; max: bigint }[];
  /** Checks left out for this target. */
  ignore: readonly FindingCheck[];
}

export const defaultPolicy: DecisionPolicy = {
  delegatecallAllowlist: [],
  implementationAllowlist: [],
  ownerAllowlist: [],
  outflowLimits: [],
  ignore: [],
};

export interface DecisionContext {
  /** The accounts whose funds the decision spends and whose code runs it: the timelock, the Safe, the governor. */
  treasury: readonly Address[];
  /** A watched Safe's threshold policy and its owners now, for a Safe the decision changes. */
  safe?(address: Address): { owners: number; threshold: number; required(owners: number): number | null } | undefined;
}

const roleNames = new Map<string, string>([
  [`0x${'00'.repeat(32)}`, 'DEFAULT_ADMIN_ROLE'],
  ...['PROPOSER_ROLE', 'EXECUTOR_ROLE', 'CANCELLER_ROLE', 'TIMELOCK_ADMIN_ROLE'].map(
    (name) => [keccak256(toBytes(name)), name] as [string, string],
  ),
]);

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
const listed = (list: readonly string[], item: string) => list.some((entry) => same(entry, item));

/**
 * Where in the decision an address is called, for a finding that a call causes; else the first call that names
 * it as an argument (ProxyAdmin's `upgradeAndCall(proxy, …)` changes the proxy without calling it from here).
 */
function actionTo(calls: readonly (DecodedCall & { path: string })[], address: string): string | null {
  const named = (call: DecodedCall) =>
    call.args.some((arg) => typeof arg.value === 'string' && same(arg.value, address));
  return (calls.find((call) => same(call.to, address)) ?? calls.find(named))?.path ?? null;
}

function rows(actions: readonly DecodedCall[]): (DecodedCall & { path: string })[] {
  const out: (DecodedCall & { path: string })[] = [];
  const walk = (call: DecodedCall, path: string) => {
    out.push({ ...call, path });
    for (const [index, inner] of call.calls.entries()) walk(inner, `${path}.${index + 1}`);
  };
  for (const [index, action] of actions.entries()) walk(action, String(index + 1));
  return out;
}

type Check = (input: {
  actions: (DecodedCall & { path: string })[];
  simulation: SimulationResult | null;
  policy: DecisionPolicy;
  context: DecisionContext;
}) => Finding[];

const checks: Record<FindingCheck, Check> = {
  will_revert: ({ simulation }) =>
    simulation && !simulation.success
      ? [
          {
            check: 'will_revert',
            severity: 'critical',
            action: null,
            message: simulation.failedStep
              ? `it cannot be brought to execution: ${simulation.failedStep}`
              : `it will revert: ${simulation.revert?.reason ?? 'no reason given'}`,
          },
        ]
      : [],
  delegatecall: ({ actions, simulation, policy, context }) => {
    const decoded = actions
      .filter((call) => call.operation === 'delegatecall' && !listed(policy.delegatecallAllowlist, call.to))
      .map((call) => ({ to: call.to, action: call.path as string | null, from: 'the Safe' }));
    // At run time, only the treasury's own delegatecalls: a proxy delegating to its implementation is normal.
    // A Safe is itself a proxy: its forwarding to its singleton is left out the same way.
    const traced = (simulation?.delegatecalls ?? [])
      .filter(
        (call) =>
          !call.forwarded && listed(context.treasury, call.from) && !listed(policy.delegatecallAllowlist, call.to),
      )
      .map((call) => ({ to: call.to, action: actionTo(actions, call.to), from: shortAddress(call.from) }));
    const seen = new Set<string>();
    return [...decoded, ...traced]
      .filter((call) => !seen.has(call.to.toLowerCase()) && seen.add(call.to.toLowerCase()))
      .map((call) => ({
        check: 'delegatecall' as const,
        severity: 'critical' as const,
        action: call.action,
        message:
          `a delegatecall runs ${shortAddress(call.to)}'s code as ${call.from}, with its funds and ` +
          'storage, and it is not on the delegatecall allowlist',
      }));
  },
  implementation: ({ simulation, policy, actions }) =>
    (simulation?.proxyChanges ?? [])
      .filter((change) => change.slot !== 'admin')
      .flatMap((change) => {
        const codeHash = simulation!.implementationCodeHashes[change.after] ?? null;
        if (codeHash !== null && listed(policy.implementationAllowlist, codeHash)) return [];
        const risky = simulation!.implementationOpcodes?.[change.after] ?? [];
        return [
          {
            check: 'implementation' as const,
            severity: 'critical' as const,
            action: actionTo(actions, change.proxy),
            message:
              `proxy ${shortAddress(change.proxy)} is pointed at ${change.slot} ${shortAddress(change.after)}, ` +
              `whose code (${codeHash === null ? 'none' : `code hash ${codeHash}`}) ` +
              'is not on the implementation allowlist' +
              (risky.length > 0 ? `; that code holds ${risky.join(' and ')}` : ''),
          },
        ];
      }),
  delay_lowered: ({ simulation, actions }) =>
    (simulation?.events ?? []).flatMap((event) => {
      if (event.name !== 'MinDelayChange' && event.name !== 'NewDelay') return [];
      const after = BigInt(String(event.args.newDuration ?? event.args.newDelay ?? '0'));
      const before = event.args.oldDuration === undefined ? null : BigInt(String(event.args.oldDuration));
      if (after !== 0n && (before === null || after >= before)) return [];
      return [
        {
          check: 'delay_lowered' as const,
          severity: after === 0n ? ('critical' as const) : ('warning' as const),
          action: event.action ?? actionTo(actions, event.address),
          message:
            after === 0n
              ? `the timelock delay of ${shortAddress(event.address)} is set to zero: ` +
                'later decisions run at once, with no time to react'
              : `the timelock delay of ${shortAddress(event.address)} is lowered from ${before} s to ${after} s`,
        },
      ];
    }),
  role_granted: ({ simulation, actions }) =>
    (simulation?.events ?? []).flatMap((event) => {
      if (event.name !== 'RoleGranted') return [];
      const role = roleNames.get(String(event.args.role).toLowerCase());
      if (!role) return [];
      return [
        {
          check: 'role_granted' as const,
          severity: 'critical' as const,
          action: event.action ?? actionTo(actions, event.address),
          message: `${role} of ${shortAddress(event.address)} is granted to ${shortAddress(event.args.account)}`,
        },
      ];
    }),
  ownership: ({ simulation, actions }) =>
    (simulation?.events ?? []).flatMap((event) =>
      event.name === 'OwnershipTransferred' || event.name === 'NewAdmin'
        ? [
            {
              check: 'ownership' as const,
              severity: 'critical' as const,
              action: event.action ?? actionTo(actions, event.address),
              message:
                `${shortAddress(event.address)} gets a new owner or admin: ` +
                shortAddress(event.args.newOwner ?? event.args.newAdmin),
            },
          ]
        : [],
    ),
  safe_owner: ({ simulation, policy, actions }) =>
    (simulation?.events ?? []).flatMap((event) =>
      event.name === 'AddedOwner' && !listed(policy.ownerAllowlist, String(event.args.owner))
        ? [
            {
              check: 'safe_owner' as const,
              severity: 'critical' as const,
              action: event.action ?? actionTo(actions, event.address),
              message:
                `Safe ${shortAddress(event.address)} gets owner ${shortAddress(event.args.owner)}, ` +
                'who is not on the owner allowlist',
            },
          ]
        : [],
    ),
  safe_threshold: ({ simulation, context, actions }) => {
    const events = simulation?.events ?? [];
    // A threshold changed, or owners added or removed under the same threshold (a ratio policy can break).
    const changes = new Set(['ChangedThreshold', 'AddedOwner', 'RemovedOwner']);
    const safes = [...new Set(events.filter((event) => changes.has(event.name ?? '')).map((event) => event.address))];
    return safes.flatMap((safe) => {
      const watched = context.safe?.(safe);
      if (!watched) return [];
      const ofSafe = events.filter((event) => same(event.address, safe));
      const owners =
        watched.owners +
        ofSafe.filter((event) => event.name === 'AddedOwner').length -
        ofSafe.filter((event) => event.name === 'RemovedOwner').length;
      const changed = ofSafe.filter((event) => event.name === 'ChangedThreshold').at(-1);
      const threshold = changed ? Number(changed.args.threshold) : watched.threshold;
      const required = watched.required(owners);
      if (required === null || threshold >= required) return [];
      return [
        {
          check: 'safe_threshold' as const,
          severity: 'critical' as const,
          action: actionTo(actions, safe),
          message:
            `Safe ${shortAddress(safe)} would need ${threshold} of ${owners} signatures, ` +
            `below its policy of ${required}`,
        },
      ];
    });
  },
  outflow: ({ simulation, policy, context }) =>
    policy.outflowLimits.flatMap((limit) => {
      const changes =
        limit.token === 'ETH'
          ? (simulation?.ethChanges ?? []).map((change) => ({ account: change.account, delta: BigInt(change.delta) }))
          : (simulation?.tokenChanges ?? [])
              .filter((change) => same(change.token, limit.token))
              .map((change) => ({ account: change.account, delta: BigInt(change.delta) }));
      const out = -changes
        .filter((change) => listed(context.treasury, change.account))
        .reduce((sum, c) => sum + c.delta, 0n);
      if (out <= limit.max) return [];
      const what = limit.token === 'ETH' ? 'wei of ETH' : `base units of ${shortAddress(limit.token)}`;
      return [
        {
          check: 'outflow' as const,
          severity: 'critical' as const,
          action: null,
          message: `${out} ${what} leave the treasury, more than the limit of ${limit.max}`,
        },
      ];
    }),
  code_destroyed: ({ simulation, actions }) =>
    (simulation?.codeChanges ?? [])
      .filter((change) => change.change === 'destroyed')
      .map((change) => ({
        check: 'code_destroyed' as const,
        severity: 'critical' as const,
        action: actionTo(actions, change.account),
        message: `the code of ${shortAddress(change.account)} is destroyed`,
      })),
  undecoded: ({ actions }) =>
    actions
      .filter((call) => call.undecoded)
      .map((call) => ({
        check: 'undecoded' as const,
        severity: 'warning' as const,
        action: call.path,
        message:
          `the call to ${call.label ?? shortAddress(call.to)} with selector ${call.selector ?? '(none)'} ` +
          'stayed undecoded: no ABI knows it',
      })),
};

/** Every finding of the decision, in the order of the checks. */
export function decisionFindings(input: {
  actions: readonly DecodedCall[];
  simulation: SimulationResult | null;
  policy?: DecisionPolicy;
  context: DecisionContext;
}): Finding[] {
  const policy = input.policy ?? defaultPolicy;
  const context = { ...input.context, treasury: input.context.treasury.map((address) => getAddress(address)) };
  const actions = rows(input.actions);
  return findingChecks
    .filter((check) => !policy.ignore.includes(check))
    .flatMap((check) => checks[check]({ actions, simulation: input.simulation, policy, context }));
}
