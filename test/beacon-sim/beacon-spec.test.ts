// The spec check itself: it loads the whole official spec and fails responses that break it, so a
// passing check elsewhere means something.

import { describe, expect, it } from 'vitest';
import { beaconSpec, specAvailable, validateResponse } from '../helpers/beacon-spec.js';

const root = `0x${'ab'.repeat(32)}`;
const header = {
  execution_optimistic: false,
  finalized: false,
  data: {
    root,
    canonical: true,
    header: {
      message: { slot: '12', proposer_index: '3', parent_root: root, state_root: root, body_root: root },
      signature: `0x${'cd'.repeat(96)}`,
    },
  },
};

describe.skipIf(!specAvailable())('Beacon API spec check', () => {
  it('resolves every $ref of the spec', () => {
    expect(beaconSpec().danglingRefs()).toEqual([]);
  });

  it('maps concrete paths to the spec templates', () => {
    const spec = beaconSpec();
    expect(spec.templateOf('GET', '/eth/v1/beacon/headers/123')).toBe('/eth/v1/beacon/headers/{block_id}');
    expect(spec.templateOf('GET', '/eth/v1/beacon/headers')).toBe('/eth/v1/beacon/headers');
    expect(spec.templateOf('GET', '/eth/v1/node/peer_count')).toBe('/eth/v1/node/peer_count');
    expect(spec.templateOf('POST', '/eth/v1/beacon/states/head/validators')).toBe(
      '/eth/v1/beacon/states/{state_id}/validators',
    );
    expect(spec.templateOf('GET', '/eth/v1/beacon/states/head/sync_committees?epoch=3')).toBe(
      '/eth/v1/beacon/states/{state_id}/sync_committees',
    );
    expect(spec.templateOf('GET', '/eth/v9/nothing')).toBeNull();
  });

  it('accepts a conforming response', () => {
    expect(validateResponse('GET', '/eth/v1/beacon/headers/head', 200, header)).toEqual([]);
    expect(
      validateResponse('GET', '/eth/v1/beacon/headers/{block_id}', 404, { code: 404, message: 'Block not found' }),
    ).toEqual([]);
  });

  it('rejects a number where the spec wants a decimal string', () => {
    const broken = structuredClone(header);
    (broken.data.header.message as Record<string, unknown>).slot = 12;
    expect(validateResponse('GET', '/eth/v1/beacon/headers/head', 200, broken)).toEqual([
      'GET /eth/v1/beacon/headers/{block_id} 200: /data/header/message/slot must be string',
    ]);
  });

  it('rejects a missing required field, a malformed root and a bad enum value', () => {
    const { finalized: _dropped, ...withoutFinalized } = header;
    expect(validateResponse('GET', '/eth/v1/beacon/headers/head', 200, withoutFinalized)).toEqual([
      "GET /eth/v1/beacon/headers/{block_id} 200: / must have required property 'finalized'",
    ]);
    const shortRoot = structuredClone(header);
    shortRoot.data.root = '0x1234';
    expect(validateResponse('GET', '/eth/v1/beacon/headers/head', 200, shortRoot)[0]).toMatch(
      /\/data\/root must match pattern/,
    );
    const validator = {
      index: '1',
      balance: '32000000000',
      status: 'active',
      validator: {
        pubkey: `0x${'aa'.repeat(48)}`,
        withdrawal_credentials: root,
        effective_balance: '32000000000',
        slashed: false,
        activation_eligibility_epoch: '0',
        activation_epoch: '0',
        exit_epoch: '18446744073709551615',
        withdrawable_epoch: '18446744073709551615',
      },
    };
    const problems = validateResponse('GET', '/eth/v1/beacon/states/head/validators', 200, {
      execution_optimistic: false,
      finalized: false,
      data: [validator],
    });
    expect(problems).toEqual([expect.stringMatching(/\/data\/0\/status must be equal to one of the allowed values/)]);
  });

  it('rejects an error body without a message, and a status the route does not document', () => {
    expect(validateResponse('GET', '/eth/v1/beacon/headers/7', 404, { code: 404 })).toEqual([
      "GET /eth/v1/beacon/headers/{block_id} 404: / must have required property 'message'",
    ]);
    expect(validateResponse('GET', '/eth/v1/beacon/headers/7', 418, { code: 418, message: 'teapot' })).toEqual([
      'GET /eth/v1/beacon/headers/{block_id}: status 418 is not documented',
    ]);
    expect(validateResponse('GET', '/eth/v1/nothing', 200, {})).toEqual([
      'GET /eth/v1/nothing is not a route of the spec',
    ]);
  });

  it('checks a value against a named schema', () => {
    expect(beaconSpec().validateSchema('types/http.yaml#/ErrorMessage', { code: 503, message: 'syncing' })).toEqual([]);
    expect(beaconSpec().validateSchema('types/http.yaml#/ErrorMessage', { code: '503', message: 'syncing' })).toEqual([
      '/code must be number',
    ]);
  });
});
