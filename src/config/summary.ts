// What a config watches, in a few lines, as `ere check-config` prints it: enough to see at a glance that
// the file holds what its author meant (the chains, endpoints, validators, targets, SLOs and alerting).

import type { Config } from './schema.js';

const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;

function validatorCount(set: Config['validators']['watch'][number]): number {
  return set.pubkeys.length + set.indices.reduce<number>((sum, entry) => sum + (typeof entry === 'number' ? 1 : entry[1] - entry[0] + 1), 0);
}

export function summarizeConfig(config: Config): string {
  const endpoints = config.chains.reduce((sum, chain) => sum + chain.rpc.length, 0);
  const beaconEndpoints = config.chains.reduce((sum, chain) => sum + (chain.beacon?.endpoints.length ?? 0), 0);
  const chains = config.chains.map((chain) => `${chain.id} (${chain.rpc.length}${chain.beacon ? ` + ${chain.beacon.endpoints.length} beacon` : ''})`).join(', ');
  const sets = config.validators.watch;
  const validators = sets.reduce((sum, set) => sum + validatorCount(set), 0);
  const kinds = ['governor', 'timelock', 'safe', 'proxy'].map((kind) => [kind, config.governance.filter((target) => target.kind === kind).length] as const).filter(([, n]) => n > 0);
  const lines = [
    `${count(config.chains.length, 'chain')}, ${count(endpoints, 'RPC endpoint')}, ${count(beaconEndpoints, 'beacon endpoint')}: ${chains}`,
    `validators: ${count(sets.length, 'set')}, ${count(validators, 'validator')}${sets.length ? ` (${sets.map((set) => `${set.chain} ${Object.entries(set.labels).map(([name, value]) => `${name}:${value}`).join(',') || 'unlabelled'}: ${validatorCount(set)}`).join('; ')})` : ''}`,
    `governance: ${count(config.governance.length, 'target')}${kinds.length ? ` (${kinds.map(([kind, n]) => count(n, kind)).join(', ')})` : ''}`,
    `SLOs: ${config.slos.length}${config.slos.length ? ` (${config.slos.map((slo) => slo.id).join(', ')})` : ''}`,
    `alerting: ${count(config.alerting.rules.length, 'rule')}, ${count(config.alerting.receivers.length, 'receiver')}${config.alerting.receivers.length ? ` (${config.alerting.receivers.map((receiver) => `${receiver.id}: ${receiver.kind}`).join(', ')})` : ''}`,
  ];
  return lines.join('\n');
}
