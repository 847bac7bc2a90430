// Every collector kind, in one explicit list. A new kind is one file and one line here.

import { rpcEndpointCollector } from './rpc/rpc-endpoint.js';

export const collectors = {
  rpc: rpcEndpointCollector,
} as const;

export type CollectorKind = keyof typeof collectors;
