// What a config watches, in a few lines, as `ere check-config` prints it: enough to see at a glance that
// the file holds what its author meant (the chains, endpoints, validators, targets, SLOs and alerting).

import type { Config } from './schema.js';

const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;
/** ` (a, b)` after a count, or nothing when there is nothing to list. */
const parenthesised = (items: readonly string[], separator = ', ') =>
  items.length ? ` (${items.join(separator)})` : '';

function validatorCount(set: Config['validators']['watch'][number]): number {
  return (
    set.pubkeys.length +
    set.indices.reduce<number>((sum, entry) => sum + (typeof entry === 'number' ? 1 : entry[1] - entry[0] + 1), 0)
  );
}

function describeSet(set: Config['validators']['watch'][number]): string {
  const labels = Object.entries(set.labels).map(([name, value]) => `${name}:${value}`);
  return `${set.chain} ${labels.join(',') || 'unlabelled'}: ${validatorCount(set)}`;
}

export function summarizeConfig(config: Config): string {
  const endpoints = config.chains.reduce((sum, chain) => sum + chain.rpc.length, 0);
  const beaconEndpoints = config.chains.reduce((sum, chain) => sum + (chain.beacon?.endpoints.length ?? 0), 0);
  const chains = config.chains
    .map(
      (chain) => `${chain.id} (${chain.rpc.length}${chain.beacon ? ` + ${chain.beacon.endpoints.length} beacon` : ''})`,
    )
    .join(', ');
  const sets = config.validators.watch;
  const validators = sets.reduce((sum, set) => sum + validatorCount(set), 0);
  const kinds = ['governor', 'timelock', 'safe', 'proxy']
    .map((kind) => [kind, config.governance.filter((target) => target.kind === kind).length] as const)
    .filter(([, n]) => n > 0);
  const receivers = config.alerting.receivers.map((receiver) => `${receiver.id}: ${receiver.kind}`);
  const lines = [
    `${count(config.chains.length, 'chain')}, ` +
      `${count(endpoints, 'RPC endpoint')}, ${count(beaconEndpoints, 'beacon endpoint')}: ${chains}`,
    `validators: ${count(sets.length, 'set')}, ` +
      `${count(validators, 'validator')}${parenthesised(sets.map(describeSet), '; ')}`,
    `governance: ` +
      `${count(config.governance.length, 'target')}${parenthesised(kinds.map(([kind, n]) => count(n, kind)))}`,
    `SLOs: ${config.slos.length}${parenthesised(config.slos.map((slo) => slo.id))}`,
    `alerting: ${count(config.alerting.rules.length, 'rule')}, ` +
      `${count(receivers.length, 'receiver')}${parenthesised(receivers)}`,
  ];
  return lines.join('\n');
}
