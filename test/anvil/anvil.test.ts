import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createPublicClient, http } from 'viem';
import { AnvilError, resolveAnvilBinary, startAnvil, type AnvilNode } from '../../src/anvil/anvil.js';

function clientFor(node: AnvilNode) {
  return createPublicClient({ transport: http(node.url, { retryCount: 0 }), cacheTime: 0 });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** An orphan is reparented to the container's init, which may never reap it: a zombie is dead too. */
function isRunning(pid: number): boolean {
  if (!isAlive(pid)) return false;
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
}

/** Runs a node process that starts anvil and then dies of an uncaught exception. */
async function anvilPidOfCrashedParent(): Promise<number> {
  const moduleUrl = new URL('../../src/anvil/anvil.ts', import.meta.url).href;
  const script = `const { startAnvil } = await import(${JSON.stringify(moduleUrl)});
    const node = await startAnvil();
    console.log(node.pid);
    setTimeout(() => { throw new Error('crash'); }, 50);`;
  const parent = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  let output = '';
  parent.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise((resolve) => parent.once('exit', resolve));
  expect(code).not.toBe(0);
  return Number(output.trim());
}

describe('startAnvil (automine)', () => {
  let node: AnvilNode;

  beforeAll(async () => {
    node = await startAnvil();
  });

  afterAll(async () => {
    await node?.stop();
  });

  it('binds a free port on 127.0.0.1 and answers with the default chain id', async () => {
    expect(node.port).toBeGreaterThan(0);
    expect(node.url).toBe(`http://127.0.0.1:${node.port}`);
    expect(node.chainId).toBe(31337);
    expect(await clientFor(node).getChainId()).toBe(31337);
  });

  it('mines the requested number of blocks', async () => {
    const client = clientFor(node);
    const before = await client.getBlockNumber();
    await node.mine(3);
    expect(await client.getBlockNumber()).toBe(before + 3n);
    await node.mine();
    expect(await client.getBlockNumber()).toBe(before + 4n);
  });

  it('switches interval mining on and off', async () => {
    const client = clientFor(node);
    await node.setIntervalMining(1);
    const start = await client.getBlockNumber();
    await new Promise((resolve) => setTimeout(resolve, 2_300));
    expect(await client.getBlockNumber()).toBeGreaterThanOrEqual(start + 2n);

    await node.setIntervalMining(0);
    const stopped = await client.getBlockNumber();
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(await client.getBlockNumber()).toBe(stopped);
  });

  it('turns automine off and on', async () => {
    await expect(node.setAutomine(false)).resolves.toBeUndefined();
    await expect(node.setAutomine(true)).resolves.toBeUndefined();
  });
});

describe('startAnvil (options and lifecycle)', () => {
  it('uses a block time and chain id when given', async () => {
    const node = await startAnvil({ blockTimeSeconds: 1, chainId: 1337 });
    try {
      const client = clientFor(node);
      expect(await client.getChainId()).toBe(1337);
      const start = await client.getBlockNumber();
      await new Promise((resolve) => setTimeout(resolve, 2_300));
      expect(await client.getBlockNumber()).toBeGreaterThanOrEqual(start + 2n);
    } finally {
      await node.stop();
    }
  });

  it('gives concurrently started nodes distinct ports', async () => {
    const nodes = await Promise.all([startAnvil(), startAnvil()]);
    try {
      expect(nodes[0]?.port).not.toBe(nodes[1]?.port);
    } finally {
      await Promise.all(nodes.map((node) => node.stop()));
    }
  });

  it('stop() kills the process and can be called again', async () => {
    const node = await startAnvil();
    expect(isAlive(node.pid)).toBe(true);
    const started = Date.now();
    await node.stop();
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(() => process.kill(node.pid, 0)).toThrow();
    await expect(node.stop()).resolves.toBeUndefined();
    await expect(fetch(node.url, { method: 'POST', body: '{}' })).rejects.toThrow();
  });

  it.skipIf(process.platform !== 'linux')('does not outlive a parent that crashes', async () => {
    const pid = await anvilPidOfCrashedParent();
    expect(pid).toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(isRunning(pid)).toBe(false);
  });

  it('reports anvil stderr when it cannot start, and leaves no process behind', async () => {
    const error = await startAnvil({ host: '203.0.113.1' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AnvilError);
    expect((error as AnvilError).code).toBe('exited_early');
    expect((error as AnvilError).details).toMatch(/anvil stderr/);
  });
});

describe('resolveAnvilBinary', () => {
  it('finds the binary for this machine', () => {
    expect(resolveAnvilBinary()).toMatch(/@foundry-rs\/anvil-[a-z0-9]+-(amd64|arm64)\/bin\/anvil(\.exe)?$/);
  });

  it('names the missing package', () => {
    const platform = process.platform === 'darwin' ? 'linux' : 'darwin';
    const error = (() => {
      try {
        resolveAnvilBinary(platform, 'arm64');
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(AnvilError);
    expect((error as AnvilError).code).toBe('binary_not_found');
    expect((error as AnvilError).shortMessage).toContain(`@foundry-rs/anvil-${platform}-arm64`);
  });

  it('rejects architectures anvil is not built for', () => {
    expect(() => resolveAnvilBinary('linux', 'ia32')).toThrow(AnvilError);
  });
});
