import { describe, expect, it } from 'vitest';
import { SecretScrubber, redactUrl } from '../../src/log/redact.js';

describe('redactUrl', () => {
  it.each([
    ['https://eth-mainnet.g.alchemy.com/v2/AbCdEf0123456789xyz', 'https://eth-mainnet.g.alchemy.com/***'],
    ['https://mainnet.infura.io/v3/0123456789abcdef0123456789abcdef', 'https://mainnet.infura.io/***'],
    ['https://user:p4ssw0rd@rpc.example.com:8545/', 'https://rpc.example.com:8545/'],
    ['https://rpc.ankr.com/eth/5f2a9c0e11b3d4', 'https://rpc.ankr.com/***'],
    ['https://rpc.example.com/?apikey=k3y-value&x=1', 'https://rpc.example.com/***'],
    ['https://rpc.example.com/v2/abc', 'https://rpc.example.com/***'],
    ['https://rpc.example.com/rpc/mysecretpassword', 'https://rpc.example.com/***'],
    ['https://rpc.example.com/eth/mainnet/my-api-key-here', 'https://rpc.example.com/***'],
    ['https://rpc.example.com/hunter2', 'https://rpc.example.com/***'],
    ['http://127.0.0.1:8545', 'http://127.0.0.1:8545/'],
    ['not a url', '***'],
  ])('%s → %s', (input, expected) => {
    expect(redactUrl(input)).toBe(expected);
  });

  it.each([
    ['https://u:pw@rpc.example.com/eth/mainnet?key=abc', 'https://rpc.example.com/eth/mainnet?***'],
    ['https://rpc.example.com/eth/mainnet', 'https://rpc.example.com/eth/mainnet'],
  ])('with showPath: %s → %s', (input, expected) => {
    expect(redactUrl(input, { showPath: true })).toBe(expected);
  });
});

describe('SecretScrubber', () => {
  it('removes every fragment of a configured URL and header values from text', () => {
    const scrubber = new SecretScrubber();
    scrubber.addUrl('https://bob:hunter22@rpc.example.com/v2/KEY0123456789?token=tok-987654');
    scrubber.add('Bearer abcdefgh');
    const text = scrubber.scrub(
      'failed ' +
        'https://bob:hunter22@rpc.example.com/v2/KEY0123456789?token=tok-987654 and tok-987654 alone, hunter22, ' +
        'Bearer abcdefgh',
    );
    expect(text).not.toMatch(/hunter22|KEY0123456789|tok-987654|abcdefgh/);
    expect(text).toBe('failed *** and *** alone, ***, ***');
  });

  it.each([
    // [configured URL, text a server or library wrote, expected]
    ['https://rpc.example.com/v2/abc', 'Cannot POST /v2/abc', 'Cannot POST ***'],
    ['https://rpc.example.com/rpc/mysecretpassword', 'Cannot POST /rpc/mysecretpassword', 'Cannot POST ***'],
    [
      'https://rpc.example.com/eth/mainnet/my-api-key-here',
      '<pre>Cannot POST /eth/mainnet/my-api-key-here</pre>',
      '<pre>Cannot POST ***</pre>',
    ],
    ['https://rpc.example.com/hunter2', 'POST /hunter2 failed', 'POST *** failed'],
    ['https://rpc.example.com/?key=abc&x=zz9', 'Cannot POST /?key=abc&amp;x=zz9', 'Cannot POST /***'],
    ['https://rpc.example.com/?key=abc', 'invalid key abc', 'invalid key ***'],
    ['https://rpc.example.com/p%20q/s3cr3tvalue', 'Cannot POST /p q/s3cr3tvalue', 'Cannot POST ***'],
    // A server may echo a key alone: a long segment is a secret on its own.
    ['https://rpc.example.com/eth/mainnet/my-api-key-here', 'unknown key my-api-key-here', 'unknown key ***'],
    ['https://rpc.example.com/rpc/mysecretpassword', 'bad password mysecretpassword', 'bad password ***'],
    // Words of a path are not masked apart from it: they are ordinary words elsewhere.
    [
      'https://rpc.example.com/eth/mainnet/my-api-key-here',
      'chain eth on mainnet, api v2',
      'chain eth on mainnet, api v2',
    ],
    ['https://rpc.example.com/?key=abc', 'abcdef and xabc stay', 'abcdef and xabc stay'],
  ])('%s scrubs %j to %j', (url, text, expected) => {
    const scrubber = new SecretScrubber();
    scrubber.addUrl(url);
    expect(scrubber.scrub(text)).toBe(expected);
  });

  it('a path shown by choice is not scrubbed, its query still is', () => {
    const scrubber = new SecretScrubber();
    scrubber.addUrl('https://rpc.example.com/eth/mainnet?key=k3yvalue99', { showPath: true });
    expect(scrubber.scrub('POST /eth/mainnet?key=k3yvalue99')).toBe('POST /eth/mainnet***');
  });

  it('a short header value is masked where it stands alone', () => {
    const scrubber = new SecretScrubber();
    scrubber.add('abc', 'hunter2', 'x');
    expect(scrubber.scrub('x-api-key: abc, pw "hunter2", abcdef, x')).toBe('x-api-key: ***, pw "***", abcdef, x');
  });
});
