// A fork of a chain at one block, to run a governance decision on before it runs for real: anvil forked
// through a loopback proxy to the chain's endpoint (so no provider key reaches anvil's command line), a
// snapshot taken and reverted around each simulation so that one fork serves every decision at its block,
// and the process reaped on stop, on a timeout and, through its pid file, at the next start after a crash.

import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AnvilError, type AnvilNode, startAnvil } from '../../anvil/anvil.js';
import { EreError } from '../../domain/errors.js';
import { scrubberOf } from '../../log/redact.js';
import { startUpstreamProxy, type UpstreamProxy, upstreamSecrets } from './upstream-proxy.js';

export type SimulationErrorCode =
  /** anvil could not start, or did not answer. */
  | 'fork_failed'
  /** The upstream could not serve the state the execution read (no archive state at the block, rate limits). */
  | 'state_unavailable'
  | 'timeout'
  /** The decision is of a shape ERE does not simulate (yet), said in the message. */
  | 'unsupported';

export class SimulationError extends EreError {
  override name = 'SimulationError';
  readonly code: SimulationErrorCode;

  constructor(code: SimulationErrorCode, shortMessage: string, options: { details?: string; cause?: unknown } = {}) {
    super(shortMessage, options);
    this.code = code;
  }
}

export interface ForkUpstream {
  url: string;
  headers?: Record<string, string>;
  timeoutMs: number;
}

export interface ForkOptions {
  upstream: ForkUpstream;
  chainId: number;
  blockNumber: number;
  /** Where the fork's pid file goes, so that a fork left by a killed process is reaped at the next start. */
  pidDir?: string;
  /** How long one JSON-RPC request to the fork may take (it may read the upstream); 30 s by default. */
  requestTimeoutMs?: number;
}

/** Masks the upstream's secrets (its URL's key, path and credentials, its header values) in a text. */
const secretsOf = (upstream: ForkUpstream) => scrubberOf(upstreamSecrets(upstream));

/**
 * What anvil answers when the state it needs could not be read from the upstream: a node without archive
 * state, a rate limit, an upstream failing or slow. The loopback proxy's own "upstream unreachable" (no
 * connection at all) is not: that endpoint cannot serve a fork (`fork_failed`).
 */
const stateErrors =
  /missing trie node|header not found|state (is )?(not available|unavailable|pruned)|archive|historical state|rate.?limit|too many requests|429|502|503|timed? ?out/i;
const codeOf = (message: string): SimulationErrorCode =>
  /upstream unreachable/i.test(message)
    ? 'fork_failed'
    : stateErrors.test(message)
      ? 'state_unavailable'
      : 'fork_failed';

export class Fork {
  private constructor(
    private readonly node: AnvilNode,
    private readonly proxy: UpstreamProxy,
    readonly blockNumber: number,
    private readonly options: ForkOptions,
  ) {}

  static async start(options: ForkOptions): Promise<Fork> {
    const proxy = await startUpstreamProxy(options.upstream);
    let node: AnvilNode;
    try {
      node = await startAnvil({
        forkUrl: proxy.url,
        forkBlockNumber: options.blockNumber,
        chainId: options.chainId,
        readyTimeoutMs: 30_000,
      });
    } catch (error) {
      await proxy.close();
      const reason = secretsOf(options.upstream).scrub(
        error instanceof AnvilError ? error.shortMessage : String(error),
      );
      // anvil reads its accounts from the upstream as it starts: an upstream without the state fails it here.
      const code = error instanceof AnvilError ? codeOf(error.details ?? '') : 'fork_failed';
      throw new SimulationError(code, `the fork at block ${options.blockNumber} did not start: ${reason}`, {
        cause: error,
      });
    }
    if (options.pidDir !== undefined) {
      mkdirSync(options.pidDir, { recursive: true });
      writeFileSync(join(options.pidDir, String(node.pid)), 'anvil fork\n');
    }
    return new Fork(node, proxy, options.blockNumber, options);
  }

  /** JSON-RPC requests the fork made to the upstream so far. */
  get upstreamRequests(): number {
    return this.proxy.requests;
  }

  get pid(): number {
    return this.node.pid;
  }

  async rpc<T>(method: string, params: unknown[]): Promise<T> {
    const timeoutMs = this.options.requestTimeoutMs ?? 30_000;
    let response: Response;
    try {
      response = await fetch(this.node.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      const timedOut = (error as Error).name === 'TimeoutError';
      throw new SimulationError(
        timedOut ? 'timeout' : 'fork_failed',
        timedOut ? `${method} on the fork took longer than ${timeoutMs} ms` : `the fork did not answer ${method}`,
        { cause: error },
      );
    }
    const body = (await response.json().catch(() => ({}))) as { result?: T; error?: { message?: string } };
    if (body.error || !response.ok) {
      const message = body.error?.message ?? `HTTP ${response.status}`;
      throw new SimulationError(codeOf(message), `${method} failed on the fork at block ${this.blockNumber}`, {
        details: secretsOf(this.options.upstream).scrub(message).slice(0, 300),
      });
    }
    return body.result as T;
  }

  /** A fork whose state could not be put back: not to be used again. */
  broken = false;

  /** Runs `fn` on the fork and puts the fork back as it was, whatever `fn` did. */
  async isolated<T>(fn: () => Promise<T>): Promise<T> {
    const snapshot = await this.rpc<string>('evm_snapshot', []);
    try {
      return await fn();
    } finally {
      const reverted = await this.rpc<boolean>('evm_revert', [snapshot]).catch(() => false);
      if (reverted !== true) this.broken = true;
    }
  }

  async stop(): Promise<void> {
    await this.node.stop();
    await this.proxy.close();
    if (this.options.pidDir !== undefined) rmSync(join(this.options.pidDir, String(this.node.pid)), { force: true });
  }
}

/** Kills the forks a killed process left behind, from their pid files: only processes that are anvil forks. */
export function reapOrphanForks(pidDir: string): number[] {
  let files: string[];
  try {
    files = readdirSync(pidDir);
  } catch {
    return [];
  }
  const reaped: number[] = [];
  for (const file of files) {
    const pid = Number(file);
    if (!Number.isInteger(pid) || pid <= 1) continue;
    let command = '';
    try {
      command = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    } catch {
      // Gone already.
    }
    if (command.includes('anvil') && command.includes('--fork-url')) {
      try {
        process.kill(pid, 'SIGKILL');
        reaped.push(pid);
      } catch {
        // It ended meanwhile.
      }
    }
    rmSync(join(pidDir, file), { force: true });
  }
  return reaped;
}
