// A fork's upstream is a provider whose URL and headers hold keys of every shape (in the path, in the query,
// in user:pass@, in a header), and which echoes them back in its errors. No key reaches the fork's command
// line (`ps`), the errors a failed simulation or a failed start gives, or the verification stored for it.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Address, encodeFunctionData, getAddress } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AnvilNode, startAnvil } from '../../../src/anvil/anvil.js';
import { Fork, SimulationError } from '../../../src/governance/simulate/fork.js';
import { type ExecutionPlan, simulateOnFork } from '../../../src/governance/simulate/simulate.js';
import { anvilAccount, createAnvilClient, deployContract } from '../../helpers/anvil-client.js';
import { governanceArtifacts } from '../../helpers/governance-contracts.js';

const planted = {
  path: 'PathKeySecret123',
  query: 'QueryKeySecret456',
  user: 'rpcuser',
  password: 'RpcPassSecret789',
  header: 'HeaderKeySecret012',
  short: 'k9z',
};
const secrets = Object.values(planted);
const leaks = (text: string) =>
  secrets.filter((secret) =>
    secret.length >= 8 ? text.includes(secret) : new RegExp(`(?<![A-Za-z0-9])${secret}(?![A-Za-z0-9])`).test(text),
  );

const deployer = anvilAccount(0);
let anvil: AnvilNode;
let provider: Server;
let providerUrl: string;
let token: Address;
/** Requests about this account are refused, with everything the provider was sent echoed back. */
const refused = getAddress('0x00000000000000000000000000000000000bad00');
let refuseEverything = false;

beforeAll(async () => {
  anvil = await startAnvil();
  const client = createAnvilClient(anvil.url, anvil.chainId);
  token = getAddress(await deployContract(client, deployer, governanceArtifacts().token, [10n ** 24n]));
  provider = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', async () => {
      const call = JSON.parse(body) as { id: number; method: string; params?: unknown[] };
      const echo = `refused ${request.url} for ${request.headers.authorization} with ${request.headers['x-api-key']}`;
      const authorized =
        request.url === `/v3/${planted.path}?apikey=${planted.query}&t=${planted.short}` &&
        request.headers['x-api-key'] === planted.header &&
        request.headers.authorization ===
          `Basic ${Buffer.from(`${planted.user}:${planted.password}`).toString('base64')}`;
      const aboutRefused = JSON.stringify(call.params ?? [])
        .toLowerCase()
        .includes(refused.slice(2).toLowerCase());
      if (!authorized || refuseEverything || aboutRefused) {
        response
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ jsonrpc: '2.0', id: call.id, error: { code: -32000, message: echo } }));
        return;
      }
      const answer = await fetch(anvil.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      response.writeHead(answer.status, { 'content-type': 'application/json' }).end(await answer.text());
    });
  });
  await new Promise<void>((resolve) => provider.listen(0, '127.0.0.1', resolve));
  const { port } = provider.address() as AddressInfo;
  providerUrl =
    `http://${planted.user}:${planted.password}@127.0.0.1:${port}/v3/${planted.path}` +
    `?apikey=${planted.query}&t=${planted.short}`;
}, 60_000);

afterAll(async () => {
  await new Promise((resolve) => provider?.close(resolve));
  await anvil?.stop();
});

const upstream = () => ({ url: providerUrl, headers: { 'x-api-key': planted.header }, timeoutMs: 5_000 });

/** A plan that sends `to` a token transfer from the deployer: enough to make the fork read state. */
const transferPlan = (to: Address): ExecutionPlan => ({
  note: null,
  calls: [],
  prepare: async () => ({
    steps: [],
    executeAt: async () => null,
    execution: {
      from: deployer.address,
      to,
      value: 0n,
      data: encodeFunctionData({
        abi: governanceArtifacts().token.abi,
        functionName: 'transfer',
        args: [refused, 1n],
      }),
      what: 'transfer',
    },
  }),
});

describe('a fork behind a provider with keys', () => {
  it('keeps the keys off the fork command line, through a simulation that succeeds', async () => {
    const fork = await Fork.start({ upstream: upstream(), chainId: anvil.chainId, blockNumber: 1 });
    try {
      const commandLine = readFileSync(join('/proc', String(fork.pid), 'cmdline'), 'utf8').replaceAll('\0', ' ');
      expect(commandLine).toMatch(/--fork-url http:\/\/127\.0\.0\.1:\d+\/[0-9a-f]{32} /);
      expect(leaks(commandLine)).toEqual([]);
      // The door: another local process that finds the proxy's port cannot use the provider's key.
      const door = /--fork-url (\S+)/.exec(commandLine)![1]!;
      const ask = (url: string) =>
        fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{"jsonrpc":"2.0","id":1,"method":"eth_chainId"}',
        });
      expect((await ask(new URL(door).origin)).status).toBe(404);
      expect((await ask(`${new URL(door).origin}/0000`)).status).toBe(404);
      expect(await (await ask(door)).json()).toMatchObject({ result: `0x${anvil.chainId.toString(16)}` });
      const result = await simulateOnFork(fork, transferPlan(token));
      expect(result.success).toBe(true);
      expect(fork.upstreamRequests).toBeGreaterThan(0);
      expect(leaks(JSON.stringify(result))).toEqual([]);
    } finally {
      await fork.stop();
    }
  }, 60_000);

  it('masks what the provider echoes back in a failed read, at call time', async () => {
    const fork = await Fork.start({ upstream: upstream(), chainId: anvil.chainId, blockNumber: 1 });
    try {
      // The refused account's state is read as the execution touches it.
      const error = await simulateOnFork(fork, transferPlan(refused)).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(SimulationError);
      const failure = error as SimulationError;
      const shown = [
        failure.message,
        failure.shortMessage,
        failure.details ?? '',
        String(failure),
        failure.stack ?? '',
      ];
      // The provider's echo came through, masked: the check is not vacuous.
      expect(failure.details).toMatch(/refused \*\*\*/);
      expect(leaks(shown.join('\n'))).toEqual([]);
    } finally {
      await fork.stop();
    }
  }, 60_000);

  it('masks what the provider echoes back when the fork cannot start', async () => {
    refuseEverything = true;
    try {
      const error = await Fork.start({ upstream: upstream(), chainId: anvil.chainId, blockNumber: 1 }).catch(
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(SimulationError);
      const failure = error as SimulationError;
      expect(failure.message).toMatch(/did not start/);
      const cause = failure.cause as { message?: string; details?: string } | undefined;
      const shown = [
        failure.message,
        failure.details ?? '',
        String(failure),
        cause?.message ?? '',
        cause?.details ?? '',
      ];
      expect(leaks(shown.join('\n'))).toEqual([]);
    } finally {
      refuseEverything = false;
    }
  }, 60_000);
});
