// Starts a real local anvil chain (from the @foundry-rs/anvil npm packages) for the demo and for tests
// that need an EVM JSON-RPC endpoint to poll, or a fork of a chain for governance simulation. The binary is
// spawned directly, never through node or a shell, so the pid we hold is anvil's own and a signal reaches it.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { EreError } from '../domain/errors.js';

export type AnvilErrorCode =
  | 'unsupported_platform'
  | 'binary_not_found'
  | 'spawn_failed'
  | 'exited_early'
  | 'not_ready'
  | 'rpc_failed';

export class AnvilError extends EreError {
  override name = 'AnvilError';
  readonly code: AnvilErrorCode;

  constructor(code: AnvilErrorCode, shortMessage: string, options: { details?: string; cause?: unknown } = {}) {
    super(shortMessage, options);
    this.code = code;
  }
}

export interface AnvilOptions {
  /** Seconds between blocks; omitted means automine (a block per transaction or `mine()`). */
  blockTimeSeconds?: number;
  /** 0 (the default) lets anvil bind a free port, which it then reports. */
  port?: number;
  chainId?: number;
  host?: string;
  /** e.g. `cancun`: from Prague on, every block writes EIP-2935's history contract, which slows a long chain. */
  hardfork?: string;
  /** Keep only this many blocks of state history: a chain of tens of thousands of blocks stays fast. */
  pruneHistory?: number;
  /** The genesis block's timestamp, in seconds: one in the past leaves room for blocks made earlier than now. */
  genesisTimestamp?: number;
  /** Fork this JSON-RPC endpoint's chain: anvil reads the state it lacks from it, on demand. */
  forkUrl?: string;
  /** With `forkUrl`: the block forked at; by default the endpoint's latest. */
  forkBlockNumber?: number;
  /** How long to wait for it to listen and answer (a fork asks its upstream first); 10 s by default. */
  readyTimeoutMs?: number;
}

export interface AnvilNode {
  url: string;
  port: number;
  chainId: number;
  pid: number;
  mine(blocks?: number): Promise<void>;
  setAutomine(enabled: boolean): Promise<void>;
  /** 0 stops interval mining. */
  setIntervalMining(seconds: number): Promise<void>;
  /** SIGTERM, then SIGKILL after 2 s; safe to call more than once. */
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 10_000;
const KILL_GRACE_MS = 2_000;
const STDERR_TAIL_LINES = 20;
// anvil 1.7 prints "Listening on 127.0.0.1:45639" once bound; `--quiet` would hide this line too.
// The greedy \S* takes the last colon, so "[::1]:8545" works, and stops before any ANSI colour codes.
const LISTENING_LINE = /Listening on \S*:(\d+)/;

const ARCH_NAMES: Partial<Record<string, string>> = { x64: 'amd64', arm64: 'arm64' };

/** Path of the anvil binary shipped in `@foundry-rs/anvil-<platform>-<arch>`. */
export function resolveAnvilBinary(platform: NodeJS.Platform = process.platform, arch: string = process.arch): string {
  const archName = ARCH_NAMES[arch];
  if (!archName) {
    throw new AnvilError('unsupported_platform', `anvil has no npm build for ${platform}/${arch}`);
  }
  const packageName = `@foundry-rs/anvil-${platform}-${archName}`;
  let packageJson: string;
  try {
    packageJson = createRequire(import.meta.url).resolve(`${packageName}/package.json`);
  } catch (cause) {
    throw new AnvilError('binary_not_found', `npm package ${packageName} is not installed`, {
      details:
        'the demo ships the anvil build for linux/x64 (an optional dependency); ' +
        `on ${platform}/${arch} install ${packageName} or put anvil from Foundry on the machine`,
      cause,
    });
  }
  const binary = path.join(path.dirname(packageJson), 'bin', platform === 'win32' ? 'anvil.exe' : 'anvil');
  if (!existsSync(binary)) {
    throw new AnvilError('binary_not_found', `${packageName} has no bin/${path.basename(binary)}`);
  }
  return binary;
}

export async function startAnvil(options: AnvilOptions = {}): Promise<AnvilNode> {
  const host = options.host ?? '127.0.0.1';
  const chainId = options.chainId ?? 31337;
  const args = ['--host', host, '--port', String(options.port ?? 0), '--chain-id', String(chainId)];
  if (options.blockTimeSeconds !== undefined) args.push('--block-time', String(options.blockTimeSeconds));
  if (options.hardfork !== undefined) args.push('--hardfork', options.hardfork);
  if (options.pruneHistory !== undefined) args.push('--prune-history', String(options.pruneHistory));
  if (options.genesisTimestamp !== undefined) args.push('--timestamp', String(options.genesisTimestamp));
  if (options.forkUrl !== undefined) args.push('--fork-url', options.forkUrl);
  if (options.forkBlockNumber !== undefined) args.push('--fork-block-number', String(options.forkBlockNumber));

  const child = spawn(resolveAnvilBinary(), args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', () => resolve());
  });
  // stop() is async and cannot run in an 'exit' handler; a synchronous SIGKILL there covers crashes
  // and process.exit(). A parent killed by a signal it does not handle (SIGKILL, SIGTERM without a
  // handler) still leaves anvil behind; Ctrl-C reaches it through the shared process group.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  void exited.then(() => process.off('exit', killOnExit));
  const stderrTail = keepTail(child.stderr as Readable);
  const stop = once(() => terminate(child, exited));

  let url: string;
  let port: number;
  try {
    const deadline = Date.now() + (options.readyTimeoutMs ?? READY_TIMEOUT_MS);
    port = await waitForListeningPort(child, deadline);
    url = `http://${urlHost(host)}:${port}`;
    await waitForChainId(url, chainId, deadline);
  } catch (error) {
    await stop();
    throw withStderr(error, stderrTail());
  }

  return {
    url,
    port,
    chainId,
    pid: child.pid as number,
    mine: async (blocks = 1) => {
      await anvilRpc(url, 'anvil_mine', [toHex(blocks)]);
    },
    setAutomine: async (enabled) => {
      await anvilRpc(url, 'evm_setAutomine', [enabled]);
    },
    setIntervalMining: async (seconds) => {
      await anvilRpc(url, 'evm_setIntervalMining', [seconds]);
    },
    stop,
  };
}

/** Resolves with the port anvil reports; stdout keeps being drained afterwards so anvil never blocks on a full pipe. */
function waitForListeningPort(child: ChildProcess, deadline: number): Promise<number> {
  return new Promise((resolve, reject) => {
    let pending = '';
    let settled = false;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      pending = '';
      outcome();
    };
    const timer = setTimeout(
      () =>
        settle(() => reject(new AnvilError('not_ready', `anvil did not report a port within ${READY_TIMEOUT_MS} ms`))),
      Math.max(0, deadline - Date.now()),
    );
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      if (settled) return;
      pending += chunk;
      // Only whole lines: a chunk may end in the middle of the port number.
      const port = Number(LISTENING_LINE.exec(pending.slice(0, pending.lastIndexOf('\n') + 1))?.[1]);
      if (Number.isInteger(port) && port > 0) settle(() => resolve(port));
    });
    child.once('error', (cause) =>
      settle(() => reject(new AnvilError('spawn_failed', 'anvil could not be started', { cause }))),
    );
    child.once('exit', (code, signal) =>
      settle(() =>
        reject(new AnvilError('exited_early', `anvil exited before listening (${signal ?? `code ${code}`})`)),
      ),
    );
  });
}

async function waitForChainId(url: string, chainId: number, deadline: number): Promise<void> {
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const answer = await anvilRpc(url, 'eth_chainId', [], AbortSignal.timeout(1_000));
      if (answer === toHex(chainId)) return;
      lastError = new Error(`eth_chainId answered ${String(answer)}, expected ${toHex(chainId)}`);
    } catch (error) {
      lastError = error;
    }
    await sleep(50);
  }
  throw new AnvilError('not_ready', `anvil did not answer eth_chainId within ${READY_TIMEOUT_MS} ms`, {
    cause: lastError,
  });
}

async function terminate(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  child.kill('SIGTERM');
  const graceTimer = sleep(KILL_GRACE_MS, 'timeout' as const, { ref: false });
  if ((await Promise.race([exited, graceTimer])) === 'timeout') {
    child.kill('SIGKILL');
    await exited;
  }
}

/** One JSON-RPC call to an anvil node; a transport or JSON-RPC error is an `AnvilError` (`rpc_failed`). */
export async function anvilRpc(url: string, method: string, params: unknown[], signal?: AbortSignal): Promise<unknown> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
    signal: signal ?? AbortSignal.timeout(5_000),
  });
  if (!response.ok) {
    throw new AnvilError('rpc_failed', `anvil ${method} failed`, { details: `HTTP ${response.status}` });
  }
  const body = (await response.json()) as { result?: unknown; error?: { message?: string } };
  if (body.error) {
    throw new AnvilError('rpc_failed', `anvil ${method} failed`, { details: body.error.message ?? 'unknown error' });
  }
  return body.result;
}

/** The last stderr lines, so a failed start explains itself (bad flag, port in use). */
function keepTail(stream: Readable): () => string {
  let lines: string[] = [];
  stream.on('data', (chunk: Buffer) => {
    lines = lines.concat(chunk.toString('utf8').split('\n').filter(Boolean)).slice(-STDERR_TAIL_LINES);
  });
  return () => lines.join('\n');
}

function withStderr(error: unknown, stderr: string): AnvilError {
  const base =
    error instanceof AnvilError ? error : new AnvilError('not_ready', 'anvil failed to start', { cause: error });
  if (!stderr) return base;
  const details = base.details ? `${base.details}\n${stderr}` : `anvil stderr:\n${stderr}`;
  return new AnvilError(base.code, base.shortMessage, { details, cause: base.cause });
}

/** A wildcard listen address is not something a client can connect to. */
function urlHost(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}

function toHex(value: number): string {
  return `0x${value.toString(16)}`;
}

function once(fn: () => Promise<void>): () => Promise<void> {
  let result: Promise<void> | undefined;
  return () => (result ??= fn());
}
