import { describe, expect, it } from 'vitest';
import { SecretScrubber, redactUrl } from '../../src/log/redact.js';

describe('redactUrl', () => {
  it.each([
    ['https://eth-mainnet.g.alchemy.com/v2/AbCdEf0123456789xyz', 'https://eth-mainnet.g.alchemy.com/v2/***'],
    ['https://mainnet.infura.io/v3/0123456789abcdef0123456789abcdef', 'https://mainnet.infura.io/v3/***'],
    ['https://user:p4ssw0rd@rpc.example.com:8545/', 'https://rpc.example.com:8545/'],
    ['https://rpc.ankr.com/eth/5f2a9c0e11b3d4', 'https://rpc.ankr.com/eth/***'],
    ['https://rpc.example.com/?apikey=k3y-value&x=1', 'https://rpc.example.com/?***'],
    ['http://127.0.0.1:8545', 'http://127.0.0.1:8545/'],
    ['not a url', '***'],
  ])('%s → %s', (input, expected) => {
    expect(redactUrl(input)).toBe(expected);
  });
});

describe('SecretScrubber', () => {
  it('removes every fragment of a configured URL and header values from text', () => {
    const scrubber = new SecretScrubber();
    scrubber.addUrl('https://bob:hunter22@rpc.example.com/v2/KEY0123456789?token=tok-987654');
    scrubber.add('Bearer abcdefgh');
    const text = scrubber.scrub(
      'failed https://bob:hunter22@rpc.example.com/v2/KEY0123456789?token=tok-987654 and KEY0123456789 alone, hunter22, tok-987654, Bearer abcdefgh',
    );
    expect(text).not.toMatch(/hunter22|KEY0123456789|tok-987654|abcdefgh/);
    expect(text).toBe('failed *** and *** alone, ***, ***, ***');
  });
});
