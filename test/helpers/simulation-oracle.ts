// What a simulation is compared with: the events of the real transaction's receipt, decoded with the same
// ABIs, as [address, name, args] (an event no ABI knows has a null name and its raw topics and data).
import { type Abi, type Address, decodeEventLog, getAddress, type Hex } from 'viem';
import { standardEvents } from '../../src/governance/decode/standard-events.js';
import type { SimulationResult } from '../../src/governance/simulate/simulate.js';

export const bigints = (_key: string, value: unknown) => (typeof value === 'bigint' ? value.toString() : value);

export function realEvents(
  logs: readonly { address: Address; topics: readonly Hex[]; data: Hex }[],
  abis: readonly Abi[] = [],
) {
  const candidates = [...abis.flatMap((abi) => abi.filter((item) => item.type === 'event')), ...standardEvents];
  return logs.map((log) => {
    for (const event of candidates) {
      try {
        const decoded = decodeEventLog({ abi: [event], topics: log.topics as [Hex], data: log.data, strict: true });
        return [getAddress(log.address), decoded.eventName, JSON.parse(JSON.stringify(decoded.args, bigints))];
      } catch {}
    }
    return [getAddress(log.address), null, { topics: log.topics, data: log.data }];
  });
}

export const predictedEvents = (result: SimulationResult) =>
  result.events.map((event) => [
    event.address,
    event.name,
    event.name === null ? { topics: event.topics, data: event.data } : event.args,
  ]);
