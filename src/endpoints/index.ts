// Every collector kind, in one explicit list. A new kind is one file and one line here.

import { beaconEndpointCollector } from './beacon/beacon-endpoint.js';
import { rpcEndpointCollector } from './rpc/rpc-endpoint.js';

export const collectors = {
  rpc: rpcEndpointCollector,
  beacon: beaconEndpointCollector,
} as const;

export type CollectorKind = keyof typeof collectors;
