// How an endpoint's URL reads in the API: scheme and host only, whatever its path holds (a key the
// provider puts there, a short one or one that reads like a word), unless the endpoint opts in with
// `showPath`; a `displayName` tells endpoints of one host apart without showing anything secret.

import { describe, expect, it } from 'vitest';
import { beaconTargets } from '../../src/endpoints/beacon/beacon-schema.js';
import { parseConfig } from '../../src/config/load.js';
import { fixedClock } from '../../src/domain/clock.js';
import { ChainView } from '../../src/endpoints/rpc/rpc-view.js';
import { redactUrl } from '../../src/log/redact.js';
import { ChainTracker } from '../../src/endpoints/rpc/rpc-tracker.js';

const urls = {
  short: 'https://rpc.example.com/v2/abc',
  word: 'https://rpc.example.com/rpc/mysecretpassword',
  nested: 'https://rpc.example.com/eth/mainnet/my-api-key-here',
  single: 'https://rpc.example.com/hunter2',
  shown: 'https://u:pw@rpc.example.com/eth/mainnet?key=RPCECHOSECRET1',
};

const config = parseConfig(
  JSON.stringify({
    chains: [
      {
        id: 'c',
        chainId: 1,
        rpc: [
          { id: 'short', url: urls.short, displayName: 'Alchemy (archive)' },
          { id: 'word', url: urls.word },
          { id: 'nested', url: urls.nested },
          { id: 'single', url: urls.single },
          { id: 'shown', url: urls.shown, showPath: true },
        ],
        beacon: {
          endpoints: [
            { id: 'bn', url: 'https://bn.example.com/node/abc?apikey=k', displayName: 'Lighthouse' },
            { id: 'bn2', url: 'https://bn.example.com/public', showPath: true },
          ],
        },
      },
    ],
  }),
);

describe('endpoint URLs in the API', () => {
  const tracker = new ChainTracker(
    [{ chain: 'c', endpoints: Object.keys(urls), policy: { maxLagBlocks: 5, staleAfterMs: 45_000 } }],
    fixedClock(1_800_000_000_000),
  );
  const view = new ChainView(config, tracker);

  it.each([
    ['short', 'https://rpc.example.com/***', 'Alchemy (archive)'],
    ['word', 'https://rpc.example.com/***', null],
    ['nested', 'https://rpc.example.com/***', null],
    ['single', 'https://rpc.example.com/***', null],
    ['shown', 'https://rpc.example.com/eth/mainnet?***', null],
  ])('%s reads %s', (id, url, displayName) => {
    expect(view.endpoint(id)).toMatchObject({ url, displayName });
    expect(JSON.stringify(view.chain('c'))).not.toMatch(
      /abc|mysecretpassword|my-api-key-here|hunter2|RPCECHOSECRET1|pw@/,
    );
  });

  it('beacon endpoints take the same keys', () => {
    const [bn, bn2] = beaconTargets(config.chains);
    expect([redactUrl(bn!.url, bn!), bn!.displayName]).toEqual(['https://bn.example.com/***', 'Lighthouse']);
    expect(redactUrl(bn2!.url, bn2!)).toBe('https://bn.example.com/public');
  });
});
