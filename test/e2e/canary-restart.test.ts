// The canary across a crash, with the service as users run it (bin/ere.js in a child process): anvil mines
// only when told, so the first canary stays in flight; the service is killed with SIGKILL and started again
// on the same database. The second run must find that transaction and send no other with its nonce; once
// mined, it is reported included. The key, planted in the config from the environment, shows nowhere.
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Hex, toHex } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAnvil, type AnvilNode } from '../../src/anvil/anvil.js';
import { anvilAccount } from '../../src/demo/governance/client.js';
import { tempDir, waitFor } from '../helpers/service.js';

const bin = fileURLToPath(new URL('../../bin/ere.js', import.meta.url));
const canaryAccount = anvilAccount(9);
const key = toHex(canaryAccount.getHdKey().privateKey!) as Hex;
const address = canaryAccount.address.toLowerCase();

let anvil: AnvilNode;
let dir: string;
let configPath: string;
const running: ChildProcess[] = [];

interface CanaryAnswer {
  address: string;
  inFlight: { hash: string; nonce: number } | null;
  recent: { hash: string; nonce: number; status: string; inclusionSeconds: number | null }[];
}

async function rpc<T>(method: string, params: unknown[]): Promise<T> {
  const response = await fetch(anvil.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  });
  return ((await response.json()) as { result: T }).result;
}

async function startEre(): Promise<{ child: ChildProcess; url: string; output: string[] }> {
  const child = spawn(process.execPath, [bin, 'start', '--config', configPath], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, CANARY_KEY: key },
  });
  running.push(child);
  const output: string[] = [];
  child.stdout!.on('data', (chunk: Buffer) => output.push(chunk.toString('utf8')));
  child.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString('utf8')));
  const url = await waitFor(
    () => /"url":"(http:\/\/[^"]+)".*"msg":"ERE Monitor started"/.exec(output.join(''))?.[1],
    30_000,
    'the service to start',
  ).catch((error: Error) => {
    throw new Error(`${error.message}\n${output.join('').slice(-2_000)}`);
  });
  return { child, url, output };
}

const killed = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });

const canaryOf = async (url: string) =>
  (await (await fetch(`${url}/api/v1/chains/local/canary`)).json()) as CanaryAnswer;

beforeAll(async () => {
  anvil = await startAnvil();
  await anvil.setAutomine(false);
  dir = tempDir();
  configPath = join(dir, 'ere.yaml');
  writeFileSync(
    configPath,
    JSON.stringify({
      server: { host: '127.0.0.1', port: 0 },
      storage: { path: join(dir, 'ere.db') },
      log: { level: 'info' },
      chains: [
        {
          id: 'local',
          chainId: 31337,
          pollInterval: '1s',
          timeout: '500ms',
          rpc: [
            { id: 'first', url: anvil.url },
            { id: 'second', url: `${anvil.url}/` },
          ],
          canary: {
            privateKey: '${CANARY_KEY}',
            interval: '1s',
            watchInterval: '200ms',
            timeout: '10m',
            maxFeePerGas: 100,
          },
        },
      ],
      slos: [
        {
          id: 'local-inclusion',
          service: 'local',
          objective: 99,
          window: '1d',
          sli: { kind: 'tx_inclusion', chain: 'local' },
        },
      ],
    }),
  );
}, 60_000);

afterAll(async () => {
  for (const child of running) if (child.exitCode === null) child.kill('SIGKILL');
  await anvil?.stop();
});

describe('the canary across a SIGKILL', () => {
  it('finds its transaction in flight after the restart and sends no second one with that nonce', {
    timeout: 120_000,
  }, async () => {
    const nonce = Number(await rpc<string>('eth_getTransactionCount', [address, 'latest']));
    const first = await startEre();
    const sent = await waitFor(async () => (await canaryOf(first.url)).inFlight ?? undefined, 20_000, 'a canary');
    expect(sent.nonce).toBe(nonce);
    // It is in anvil's pool, waiting: the independent record of what was sent.
    expect(await rpc('eth_getTransactionByHash', [sent.hash])).toMatchObject({ hash: sent.hash });
    await killed(first.child);

    const second = await startEre();
    const found = await canaryOf(second.url);
    expect(found.inFlight).toMatchObject({ hash: sent.hash, nonce });
    // Many intervals pass: still one transaction of the key in the pool, and the same one in flight.
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    const pool = await rpc<{ pending: Record<string, Record<string, { hash: string }>> }>('txpool_content', []);
    const pending = Object.entries(pool.pending).find(([from]) => from.toLowerCase() === address)?.[1] ?? {};
    expect(Object.values(pending).map((transaction) => transaction.hash)).toEqual([sent.hash]);
    expect((await canaryOf(second.url)).inFlight).toMatchObject({ hash: sent.hash });

    await rpc('evm_mine', []);
    const included = await waitFor(
      async () =>
        (await canaryOf(second.url)).recent.find((row) => row.hash === sent.hash && row.status === 'included'),
      20_000,
      'the canary included',
    );
    expect(included.nonce).toBe(nonce);
    expect(Number(await rpc<string>('eth_getTransactionCount', [address, 'latest']))).toBe(nonce + 1);
    const receipt = await rpc<{ status: string }>('eth_getTransactionReceipt', [sent.hash]);
    expect(receipt.status).toBe('0x1');
    const metrics = await (await fetch(`${second.url}/metrics`)).text();
    expect(metrics).toMatch(/ere_canary_last_inclusion_seconds\{chain="local",endpoint="first",clock="wall"\} \d/);
    const answers = [
      JSON.stringify(await canaryOf(second.url)),
      metrics,
      await (await fetch(`${second.url}/api/v1/slos/local-inclusion`)).text(),
      first.output.join(''),
      second.output.join(''),
    ];
    for (const text of answers) {
      expect(text).not.toContain(key.slice(2));
      expect(text.toLowerCase()).not.toContain(key.slice(2).toLowerCase());
    }
    expect(answers[0]).toContain(address);
    await killed(second.child);
  });
});
