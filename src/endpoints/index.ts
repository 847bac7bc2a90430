// Every endpoint kind, in one explicit list: `service/endpoints.ts` wires each of them the same way. A new
// kind is its folder (collector, tracker, samples, metrics), its `EndpointKind` and one line here.

import { beaconKind } from './beacon/beacon-kind.js';
import type { AnyEndpointKind } from './endpoint-kind.js';
import { rpcKind } from './rpc/rpc-kind.js';

export const endpointKinds = {
  rpc: rpcKind,
  beacon: beaconKind,
} as const satisfies Record<string, AnyEndpointKind>;

export type EndpointKindName = keyof typeof endpointKinds;
