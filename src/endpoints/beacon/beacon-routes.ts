// The Beacon API routes the monitor calls, as the spec writes their templates: a closed list, so a route
// is safe as a metric label and in errors, where the filled-in path (or the endpoint's URL) is not.

export const beaconRoutes = [
  'GET /eth/v1/beacon/genesis',
  'GET /eth/v1/config/spec',
  'GET /eth/v1/node/version',
  'GET /eth/v1/node/syncing',
  'GET /eth/v1/node/peer_count',
  'GET /eth/v1/beacon/headers/{block_id}',
  'GET /eth/v1/beacon/states/{state_id}/finality_checkpoints',
  'GET /eth/v1/beacon/states/{state_id}/validators',
  'POST /eth/v1/beacon/rewards/attestations/{epoch}',
  'POST /eth/v1/validator/liveness/{epoch}',
  'GET /eth/v1/validator/duties/proposer/{epoch}',
  'GET /eth/v1/beacon/states/{state_id}/sync_committees',
  'POST /eth/v1/beacon/rewards/sync_committee/{block_id}',
  'GET /eth/v2/beacon/blocks/{block_id}',
] as const;
export type BeaconRoute = (typeof beaconRoutes)[number];
