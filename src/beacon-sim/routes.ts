// The Beacon API routes the simulated node serves, declared as data (method, template, handler): exactly
// those the monitor's Beacon API client uses. Handlers throw `ApiError` for the spec's error answers.

import type { ServerResponse } from 'node:http';
import type { BeaconChain } from './chain.js';
import { SYNC_COMMITTEE_SUBNET_COUNT } from './chain.js';
import { consensusFork, forks, signedBlockJson } from './block.js';
import { headerJson, sendJson, streamJson, validatorJson } from './encode.js';
import { executionBlockAt } from './execution.js';
import { indexOfPubkey, pubkeyOf } from './hash.js';
import type { BeaconSim } from './sim.js';
import { FAR_FUTURE_EPOCH_TEXT } from './validators.js';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface RouteRequest {
  sim: BeaconSim;
  chain: BeaconChain;
  params: Record<string, string>;
  query: URLSearchParams;
  /** Parsed JSON body; undefined when the body was empty. */
  body: unknown;
  res: ServerResponse;
}

export interface Route {
  method: 'GET' | 'POST';
  template: string;
  /** Whether a syncing node answers 503 here. */
  needsSync: boolean;
  handle(request: RouteRequest): void | Promise<void>;
}

const generalStatuses = ['active', 'pending', 'exited', 'withdrawal'];
const statuses = new Set([
  'pending_initialized',
  'pending_queued',
  'active_ongoing',
  'active_exiting',
  'active_slashed',
  'exited_unslashed',
  'exited_slashed',
  'withdrawal_possible',
  'withdrawal_done',
  ...generalStatuses,
]);

export const routes: Route[] = [
  {
    method: 'GET',
    template: '/eth/v1/beacon/genesis',
    needsSync: false,
    handle: ({ chain, res }) =>
      sendJson(res, 200, {
        data: {
          genesis_time: String(chain.options.genesisTime),
          genesis_validators_root: chain.genesisBlockRoot,
          genesis_fork_version: '0x00000000',
        },
      }),
  },
  {
    method: 'GET',
    template: '/eth/v1/config/spec',
    needsSync: false,
    handle: ({ chain, res }) => {
      const o = chain.options;
      sendJson(res, 200, {
        data: {
          CONFIG_NAME: o.configName,
          PRESET_BASE: o.slotsPerEpoch === 32 ? 'mainnet' : 'minimal',
          SECONDS_PER_SLOT: String(o.secondsPerSlot),
          SLOTS_PER_EPOCH: String(o.slotsPerEpoch),
          EPOCHS_PER_SYNC_COMMITTEE_PERIOD: String(o.epochsPerSyncCommitteePeriod),
          SYNC_COMMITTEE_SIZE: String(o.syncCommitteeSize),
          MIN_VALIDATOR_WITHDRAWABILITY_DELAY: String(o.withdrawabilityDelayEpochs),
          EPOCHS_PER_SLASHINGS_VECTOR: String(o.slashingsVectorEpochs),
          MAX_EFFECTIVE_BALANCE: '32000000000',
          EFFECTIVE_BALANCE_INCREMENT: '1000000000',
          GENESIS_FORK_VERSION: '0x00000000',
          ...Object.fromEntries(
            forks.flatMap((fork, index) => [
              [`${fork.toUpperCase()}_FORK_VERSION`, `0x0${index + 1}000000`],
              [`${fork.toUpperCase()}_FORK_EPOCH`, index <= forks.indexOf(consensusFork) ? '0' : FAR_FUTURE_EPOCH_TEXT],
            ]),
          ),
        },
      });
    },
  },
  {
    method: 'GET',
    template: '/eth/v1/node/version',
    needsSync: false,
    handle: ({ chain, res }) => sendJson(res, 200, { data: { version: chain.options.version } }),
  },
  {
    method: 'GET',
    template: '/eth/v1/node/syncing',
    needsSync: false,
    handle: ({ chain, res }) => {
      const head = chain.headSlot();
      sendJson(res, 200, {
        data: {
          head_slot: String(head),
          sync_distance: String(Math.max(0, chain.wallClockSlot() - head)),
          is_syncing: chain.node.syncing,
          is_optimistic: false,
          el_offline: false,
        },
      });
    },
  },
  {
    method: 'GET',
    template: '/eth/v1/node/peer_count',
    needsSync: false,
    handle: ({ chain, res }) => {
      const connected = chain.node.peers;
      sendJson(res, 200, {
        data: {
          disconnected: String(connected * 3),
          connecting: '0',
          connected: String(connected),
          disconnecting: '0',
        },
      });
    },
  },
  {
    method: 'GET',
    template: '/eth/v1/beacon/headers/{block_id}',
    needsSync: true,
    handle: ({ chain, params, res }) => {
      const slot = blockSlot(chain, params.block_id ?? '');
      sendJson(res, 200, headerJson(chain.header(slot), isFinalized(chain, slot)));
    },
  },
  {
    method: 'GET',
    template: '/eth/v2/beacon/blocks/{block_id}',
    needsSync: true,
    handle: async ({ sim, chain, params, res }) => {
      const slot = blockSlot(chain, params.block_id ?? '');
      const execution = await executionBlockAt(chain, slot, sim.executionChain());
      sendJson(res, 200, signedBlockJson(chain, slot, execution, isFinalized(chain, slot)), {
        'eth-consensus-version': consensusFork,
      });
    },
  },
  {
    method: 'GET',
    template: '/eth/v1/beacon/states/{state_id}/finality_checkpoints',
    needsSync: true,
    handle: ({ chain, params, res }) => {
      const state = stateOf(chain, params.state_id ?? '');
      const checkpoints = chain.checkpoints(state.epoch);
      const checkpoint = (epoch: number) => ({ epoch: String(epoch), root: chain.checkpointRoot(epoch) });
      sendJson(res, 200, {
        execution_optimistic: false,
        finalized: state.finalized,
        data: {
          previous_justified: checkpoint(checkpoints.previousJustified),
          current_justified: checkpoint(checkpoints.currentJustified),
          finalized: checkpoint(checkpoints.finalized),
        },
      });
    },
  },
  {
    method: 'GET',
    template: '/eth/v1/beacon/states/{state_id}/validators',
    needsSync: true,
    handle: (request) => validators(request, fromQuery(request.query)),
  },
  {
    method: 'POST',
    template: '/eth/v1/beacon/states/{state_id}/validators',
    needsSync: true,
    handle: (request) => validators(request, fromBody(request.body)),
  },
  {
    method: 'POST',
    template: '/eth/v1/beacon/rewards/attestations/{epoch}',
    needsSync: true,
    handle: async ({ chain, params, body, res }) => {
      const epoch = uint(params.epoch ?? '', 'epoch');
      const wanted = idList(chain, body, 'validator ID');
      const state = chain.rewardState(epoch);
      if (!state) throw new ApiError(404, `Epoch not known or required data not available: ${epoch}`);
      const summary = chain.summary(epoch, state);
      const leak = chain.inLeak(epoch);
      const ideal = chain.idealRewards(epoch, summary).map((reward) => ({
        effective_balance: String(reward.effectiveBalance),
        head: String(reward.head),
        target: String(reward.target),
        source: String(reward.source),
        inactivity: '0',
      }));
      const indices = wanted ?? range(state.count);
      const entries = function* () {
        for (const v of indices) {
          if (v >= state.count || !chain.registry.isRewardEligible(v, epoch)) continue;
          const parts = chain.rewardParts(v, epoch, state.effective[v] as number, summary, leak);
          const { head, target, source, inactivity } = parts;
          yield `{"validator_index":"${v}","head":"${head}","target":"${target}","source":"${source}",` +
            `"inactivity":"${inactivity}"}`;
        }
      };
      const finalized = epoch + 1 <= chain.finalizedEpoch();
      const head =
        `{"execution_optimistic":false,"finalized":${finalized},` +
        `"data":{"ideal_rewards":${JSON.stringify(ideal)},"total_rewards":[`;
      await streamJson(res, head, entries(), ']}}');
    },
  },
  {
    method: 'POST',
    template: '/eth/v1/validator/liveness/{epoch}',
    needsSync: true,
    handle: async ({ chain, params, body, res }) => {
      const epoch = uint(params.epoch ?? '', 'epoch');
      if (epoch > chain.headEpoch())
        throw new ApiError(400, `Invalid epoch: ${epoch} is after the current epoch ${chain.headEpoch()}`);
      if (!Array.isArray(body) || body.length === 0)
        throw new ApiError(400, 'Invalid request body: expected a non-empty array of validator indices');
      const indices = body.map((item) => uint(typeof item === 'number' ? String(item) : item, 'validator index'));
      const entries = function* () {
        for (const v of indices) yield `{"index":"${v}","is_live":${chain.isLive(v, epoch)}}`;
      };
      await streamJson(res, '{"data":[', entries(), ']}');
    },
  },
  {
    method: 'GET',
    template: '/eth/v1/validator/duties/proposer/{epoch}',
    needsSync: true,
    handle: ({ chain, params, res }) => {
      const epoch = uint(params.epoch ?? '', 'epoch');
      if (epoch > chain.headEpoch() + 1)
        throw new ApiError(
          400,
          `Invalid epoch: ${epoch} is more than one epoch after the current epoch ${chain.headEpoch()}`,
        );
      const duties = [];
      for (let slot = Math.max(1, chain.startSlot(epoch)); slot < chain.startSlot(epoch + 1); slot += 1) {
        const proposer = chain.proposerOf(slot);
        if (proposer !== null)
          duties.push({
            pubkey: pubkeyOf(chain.seed, proposer),
            validator_index: String(proposer),
            slot: String(slot),
          });
      }
      sendJson(res, 200, { dependent_root: chain.dependentRoot(epoch), execution_optimistic: false, data: duties });
    },
  },
  {
    method: 'GET',
    template: '/eth/v1/beacon/states/{state_id}/sync_committees',
    needsSync: true,
    handle: ({ chain, params, query, res }) => {
      const state = stateOf(chain, params.state_id ?? '');
      const epochText = query.get('epoch');
      const epoch = epochText === null ? state.epoch : uint(epochText, 'epoch');
      const period = chain.syncPeriodOf(epoch);
      const statePeriod = chain.syncPeriodOf(state.epoch);
      if (period !== statePeriod && period !== statePeriod + 1)
        throw new ApiError(400, `Epoch ${epoch} is outside the sync committee periods of the state`);
      const members = chain.syncCommittee(period).map(String);
      const subnetSize = Math.ceil(members.length / SYNC_COMMITTEE_SUBNET_COUNT);
      const aggregates = [];
      for (let start = 0; start < members.length; start += subnetSize)
        aggregates.push(members.slice(start, start + subnetSize));
      sendJson(res, 200, {
        execution_optimistic: false,
        finalized: state.finalized,
        data: { validators: members, validator_aggregates: aggregates },
      });
    },
  },
  {
    method: 'POST',
    template: '/eth/v1/beacon/rewards/sync_committee/{block_id}',
    needsSync: true,
    handle: ({ chain, params, body, res }) => {
      const slot = blockSlot(chain, params.block_id ?? '');
      const wanted = idList(chain, body, 'validator ID');
      const epoch = chain.epochOf(slot);
      const members = chain.syncCommittee(chain.syncPeriodOf(epoch));
      const reward = chain.syncParticipantReward(epoch, members.length);
      const filter = wanted ? new Set(wanted) : null;
      const data = members
        .filter((v) => !filter || filter.has(v))
        .map((v) => ({
          validator_index: String(v),
          reward: String(chain.signedSyncAggregate(v, slot) ? reward : -reward),
        }));
      sendJson(res, 200, {
        execution_optimistic: false,
        finalized: isFinalized(chain, slot),
        data,
      });
    },
  },
];

interface ValidatorFilter {
  ids: string[] | null;
  statuses: string[] | null;
}

function fromQuery(query: URLSearchParams): ValidatorFilter {
  const list = (name: string) => {
    const values = query
      .getAll(name)
      .flatMap((value) => value.split(','))
      .filter((value) => value !== '');
    return values.length === 0 ? null : values;
  };
  const ids = list('id');
  if (ids && ids.length > 64) throw new ApiError(414, `Too many validator IDs in request: ${ids.length}, at most 64`);
  return { ids, statuses: list('status') };
}

function fromBody(body: unknown): ValidatorFilter {
  if (body === undefined || body === null) return { ids: null, statuses: null };
  if (typeof body !== 'object' || Array.isArray(body))
    throw new ApiError(400, 'Invalid request body: expected an object with ids and statuses');
  const { ids, statuses: wanted } = body as { ids?: unknown; statuses?: unknown };
  const list = (value: unknown, name: string) => {
    if (value === undefined || value === null) return null;
    if (!Array.isArray(value) || !value.every((item) => typeof item === 'string'))
      throw new ApiError(400, `Invalid ${name}: expected an array of strings`);
    return value.length === 0 ? null : value;
  };
  return { ids: list(ids, 'ids'), statuses: list(wanted, 'statuses') };
}

async function validators({ chain, params, res }: RouteRequest, filter: ValidatorFilter): Promise<void> {
  const state = stateOf(chain, params.state_id ?? '');
  for (const status of filter.statuses ?? [])
    if (!statuses.has(status)) throw new ApiError(400, `Invalid validator status: ${status}`);
  const balances = chain.stateAt(state.epoch);
  if (!balances) throw new ApiError(404, `State not found: ${params.state_id}`);
  const indices = filter.ids
    ? [...new Set(filter.ids.map((id) => validatorId(chain, id, balances.count)))].filter((v) => v !== null)
    : range(balances.count);
  const statusFilter = filter.statuses ? new Set(filter.statuses) : null;
  const entries = function* () {
    for (const v of indices) {
      if (statusFilter) {
        const status = chain.registry.status(v, balances.epoch, balances.balances[v] as number);
        if (!statusFilter.has(status) && !statusFilter.has(status.slice(0, status.indexOf('_')))) continue;
      }
      yield validatorJson(chain, v, balances);
    }
  };
  await streamJson(res, `{"execution_optimistic":false,"finalized":${state.finalized},"data":[`, entries(), ']}');
}

/** A validator given as an index or a public key; null when no validator has it. */
function validatorId(chain: BeaconChain, id: string, count: number): number | null {
  if (/^\d+$/.test(id)) {
    const index = Number(id);
    return index < count ? index : null;
  }
  if (/^0x[0-9a-fA-F]{96}$/.test(id)) return indexOfPubkey(chain.seed, id, count);
  throw new ApiError(400, `Invalid validator ID: ${id}`);
}

/** An optional body listing validators by index or public key; null for every validator. */
function idList(chain: BeaconChain, body: unknown, what: string): number[] | null {
  if (body === undefined || body === null) return null;
  if (!Array.isArray(body) || !body.every((item) => typeof item === 'string'))
    throw new ApiError(400, `Invalid request body: expected an array of ${what}s`);
  if (body.length === 0) return null;
  const count = chain.registry.count;
  return body.map((id) => validatorId(chain, id, count)).filter((v) => v !== null);
}

function uint(text: string, what: string): number {
  if (!/^\d{1,15}$/.test(text)) throw new ApiError(400, `Invalid ${what}: ${text}`);
  return Number(text);
}

function* range(count: number): Generator<number> {
  for (let index = 0; index < count; index += 1) yield index;
}

/** The slot of a block id (head, finalized, genesis, a slot or a root); 404 for a slot without a block. */
function blockSlot(chain: BeaconChain, blockId: string): number {
  if (blockId === 'head') return chain.blockSlotAtOrBefore(chain.headSlot());
  if (blockId === 'genesis') return 0;
  if (blockId === 'finalized') return chain.blockSlotAtOrBefore(chain.startSlot(chain.finalizedEpoch()));
  if (/^0x[0-9a-fA-F]{64}$/.test(blockId)) {
    const slot = chain.slotOfRoot(blockId);
    if (slot === null) throw new ApiError(404, `Block not found: ${blockId}`);
    return slot;
  }
  if (!/^\d+$/.test(blockId)) throw new ApiError(400, `Invalid block ID: ${blockId}`);
  const slot = uint(blockId, 'block ID');
  if (slot > chain.headSlot() || !chain.hasBlock(slot))
    throw new ApiError(404, `Block not found: no block at slot ${slot}`);
  return slot;
}

/** Whether the block at `slot` is at or before the finalized checkpoint. */
function isFinalized(chain: BeaconChain, slot: number): boolean {
  return slot <= chain.startSlot(chain.finalizedEpoch());
}

/** The epoch of a state id (head, finalized, justified, genesis or a slot) and whether it is finalized. */
function stateOf(chain: BeaconChain, stateId: string): { epoch: number; finalized: boolean } {
  const head = chain.headSlot();
  const finalizedEpoch = chain.finalizedEpoch();
  let slot: number;
  if (stateId === 'head') slot = head;
  else if (stateId === 'genesis') slot = 0;
  else if (stateId === 'finalized') slot = chain.startSlot(finalizedEpoch);
  else if (stateId === 'justified') slot = chain.startSlot(chain.checkpoints(chain.headEpoch()).currentJustified);
  else if (/^\d+$/.test(stateId)) slot = uint(stateId, 'state ID');
  else if (/^0x[0-9a-fA-F]{64}$/.test(stateId)) throw new ApiError(404, `State not found: ${stateId}`);
  else throw new ApiError(400, `Invalid state ID: ${stateId}`);
  if (slot > head) throw new ApiError(404, `State not found: slot ${slot} is after the head`);
  const epoch = chain.epochOf(slot);
  return { epoch, finalized: epoch <= finalizedEpoch && slot <= chain.startSlot(finalizedEpoch) };
}
