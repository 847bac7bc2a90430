// Decoders of the Beacon API answers the monitor reads, one per route, into the domain's plain types.
// Strict on the fields the monitor uses, tolerant of the rest: unknown fields are ignored, metadata some
// clients leave out is null, and numbers may come as decimal strings (the spec) or JSON numbers (some
// clients). Element decoders (`decodeValidator`…) take one element of a streamed list and report paths
// relative to it; `decodeElement` prefixes them with `data[i]`.

import {
  validatorStatuses,
  type AttestationReward,
  type BeaconBlockHeader,
  type BeaconTiming,
  type ExecutionBlockRef,
  type FinalityCheckpoints,
  type IdealAttestationReward,
  type Liveness,
  type NodeSyncing,
  type ProposerDuties,
  type SyncCommitteeReward,
  type ValidatorRecord,
} from '../../domain/beacon.js';
import {
  array,
  bool,
  BeaconDecodeError,
  decodeElement,
  epoch,
  hex,
  int,
  object,
  oneOf,
  optionalBool,
  string,
  uint,
} from './decode-fields.js';

export { BeaconDecodeError } from './decode-fields.js';

const root = 32;
const pubkey = 48;

/** `/eth/v1/beacon/genesis` → the genesis time, seconds since the Unix epoch. */
export function decodeGenesisTime(body: unknown): number {
  const data = object(object(body, '').data, 'data');
  return uint(data.genesis_time, 'data.genesis_time');
}

/** `/eth/v1/config/spec` → the slot length and epoch size; the other hundred entries are ignored. */
export function decodeSpecTiming(body: unknown): Omit<BeaconTiming, 'genesisTime'> {
  const data = object(object(body, '').data, 'data');
  const secondsPerSlot = uint(data.SECONDS_PER_SLOT, 'data.SECONDS_PER_SLOT');
  const slotsPerEpoch = uint(data.SLOTS_PER_EPOCH, 'data.SLOTS_PER_EPOCH');
  if (secondsPerSlot === 0) throw new BeaconDecodeError('data.SECONDS_PER_SLOT', 'expected a positive integer');
  if (slotsPerEpoch === 0) throw new BeaconDecodeError('data.SLOTS_PER_EPOCH', 'expected a positive integer');
  return { secondsPerSlot, slotsPerEpoch };
}

/** `/eth/v1/node/version`. */
export function decodeVersion(body: unknown): string {
  return string(object(object(body, '').data, 'data').version, 'data.version');
}

/** `/eth/v1/node/syncing`; `is_optimistic` and `el_offline` are newer and not served by every client. */
export function decodeSyncing(body: unknown): NodeSyncing {
  const data = object(object(body, '').data, 'data');
  return {
    headSlot: uint(data.head_slot, 'data.head_slot'),
    syncDistance: uint(data.sync_distance, 'data.sync_distance'),
    isSyncing: bool(data.is_syncing, 'data.is_syncing'),
    isOptimistic: optionalBool(data.is_optimistic, 'data.is_optimistic'),
    elOffline: optionalBool(data.el_offline, 'data.el_offline'),
  };
}

/** `/eth/v1/node/peer_count` → the connected peers. */
export function decodePeerCount(body: unknown): number {
  return uint(object(object(body, '').data, 'data').connected, 'data.connected');
}

/** `/eth/v1/beacon/headers/{block_id}`; `finalized` is null from clients that do not send it. */
export function decodeHeader(body: unknown): BeaconBlockHeader {
  const answer = object(body, '');
  const data = object(answer.data, 'data');
  const message = object(object(data.header, 'data.header').message, 'data.header.message');
  return {
    slot: uint(message.slot, 'data.header.message.slot'),
    proposerIndex: uint(message.proposer_index, 'data.header.message.proposer_index'),
    root: hex(data.root, 'data.root', root),
    parentRoot: hex(message.parent_root, 'data.header.message.parent_root', root),
    canonical: bool(data.canonical, 'data.canonical'),
    finalized: optionalBool(answer.finalized, 'finalized'),
  };
}

/** Forks whose blocks hold no `execution_payload`: before Bellatrix, and from Gloas on (a bid names the block). */
const forksWithoutPayload: readonly string[] = ['phase0', 'altair', 'gloas'];
const zeroHash = `0x${'0'.repeat(64)}`;

/**
 * `/eth/v2/beacon/blocks/{block_id}` → the execution block its payload names; null when it names none: a fork
 * without a payload, or the default payload of a block before the merge.
 */
export function decodeBlockExecution(body: unknown): ExecutionBlockRef | null {
  const answer = object(body, '');
  const message = object(object(answer.data, 'data').message, 'data.message');
  const blockBody = object(message.body, 'data.message.body');
  if (blockBody.execution_payload === undefined && answer.version !== undefined) {
    if (forksWithoutPayload.includes(string(answer.version, 'version'))) return null;
  }
  const path = 'data.message.body.execution_payload';
  const payload = object(blockBody.execution_payload, path);
  const hash = hex(payload.block_hash, `${path}.block_hash`, root);
  const number = uint(payload.block_number, `${path}.block_number`);
  return hash === zeroHash ? null : { number, hash };
}

/** `/eth/v1/beacon/states/{state_id}/finality_checkpoints`. */
export function decodeFinalityCheckpoints(body: unknown): FinalityCheckpoints {
  const data = object(object(body, '').data, 'data');
  const checkpoint = (key: 'previous_justified' | 'current_justified' | 'finalized') =>
    uint(object(data[key], `data.${key}`).epoch, `data.${key}.epoch`);
  return {
    previousJustifiedEpoch: checkpoint('previous_justified'),
    currentJustifiedEpoch: checkpoint('current_justified'),
    finalizedEpoch: checkpoint('finalized'),
  };
}

/** One element of `/eth/v1/beacon/states/{state_id}/validators`. */
export function decodeValidator(element: unknown): ValidatorRecord {
  const entry = object(element, '');
  const validator = object(entry.validator, 'validator');
  return {
    index: uint(entry.index, 'index'),
    balanceGwei: uint(entry.balance, 'balance'),
    status: oneOf(entry.status, 'status', validatorStatuses),
    pubkey: hex(validator.pubkey, 'validator.pubkey', pubkey),
    effectiveBalanceGwei: uint(validator.effective_balance, 'validator.effective_balance'),
    slashed: bool(validator.slashed, 'validator.slashed'),
    activationEpoch: epoch(validator.activation_epoch, 'validator.activation_epoch'),
    exitEpoch: epoch(validator.exit_epoch, 'validator.exit_epoch'),
  };
}

/**
 * One element of `data.total_rewards` of `/eth/v1/beacon/rewards/attestations/{epoch}`; `inactivity` is 0 when absent.
 */
export function decodeAttestationReward(element: unknown): AttestationReward {
  const entry = object(element, '');
  return {
    validatorIndex: uint(entry.validator_index, 'validator_index'),
    head: int(entry.head, 'head'),
    target: int(entry.target, 'target'),
    source: int(entry.source, 'source'),
    inactivity: entry.inactivity === undefined ? 0 : int(entry.inactivity, 'inactivity'),
  };
}

/** `data.ideal_rewards` of the attestation rewards, one entry per effective balance. */
export function decodeIdealRewards(value: unknown): IdealAttestationReward[] {
  return array(value, 'data.ideal_rewards').map((element, index) =>
    decodeElement(
      (item) => {
        const entry = object(item, '');
        return {
          effectiveBalanceGwei: uint(entry.effective_balance, 'effective_balance'),
          head: int(entry.head, 'head'),
          target: int(entry.target, 'target'),
          source: int(entry.source, 'source'),
        };
      },
      element,
      'data.ideal_rewards',
      index,
    ),
  );
}

/** One element of `/eth/v1/validator/liveness/{epoch}`. */
export function decodeLiveness(element: unknown): Liveness {
  const entry = object(element, '');
  return { validatorIndex: uint(entry.index, 'index'), isLive: bool(entry.is_live, 'is_live') };
}

/** `/eth/v1/validator/duties/proposer/{epoch}`: `dependent_root` is required, duties are meaningless without it. */
export function decodeProposerDuties(body: unknown, requestedEpoch: number): ProposerDuties {
  const answer = object(body, '');
  const dependentRoot = hex(answer.dependent_root, 'dependent_root', root);
  const duties = array(answer.data, 'data').map((element, index) =>
    decodeElement(
      (item) => {
        const entry = object(item, '');
        return {
          slot: uint(entry.slot, 'slot'),
          validatorIndex: uint(entry.validator_index, 'validator_index'),
          pubkey: hex(entry.pubkey, 'pubkey', pubkey),
        };
      },
      element,
      'data',
      index,
    ),
  );
  return { epoch: requestedEpoch, dependentRoot, duties };
}

/** `/eth/v1/beacon/states/{state_id}/sync_committees` → the members' indices, in committee order. */
export function decodeSyncCommittee(body: unknown): number[] {
  const data = object(object(body, '').data, 'data');
  return array(data.validators, 'data.validators').map((value, index) =>
    decodeElement((item) => uint(item, ''), value, 'data.validators', index),
  );
}

/** `/eth/v1/beacon/rewards/sync_committee/{block_id}`. */
export function decodeSyncCommitteeRewards(body: unknown): SyncCommitteeReward[] {
  return array(object(body, '').data, 'data').map((element, index) =>
    decodeElement(
      (item) => {
        const entry = object(item, '');
        return { validatorIndex: uint(entry.validator_index, 'validator_index'), reward: int(entry.reward, 'reward') };
      },
      element,
      'data',
      index,
    ),
  );
}
