// `npm run bench:governance` (second part): decoding and simulating a proposal of 10 actions, from fork start
// to stored result, against the node's own trace of the same execution in the same run.
//
// On a local anvil (the upstream), a DAO queues two proposals of 10 actions each (token and ETH payments, a
// delay change, a role grant). The baseline traces the first proposal's execution on the upstream itself
// (debug_traceCall with callTracer and prestateTracer, at its ETA, in an evm_snapshot), which is the least any
// simulation costs. ERE's DecisionVerifier then verifies both as the service does, into a SQLite file: the
// first starts a fork through the loopback proxy and simulates; the second reuses the fork at the same
// block. Each run is a fresh verifier, so that every first decision starts its fork.
//
// Reported per run: wall time of the first decision (fork start included) and of the second (fork reused),
// the fork's start time, the JSON-RPC requests the fork made to the upstream, ERE's peak RSS and the fork's
// (VmHWM of the anvil process). The run fails unless both simulations succeeded with the findings expected.
//
// Flags: --runs 5, --json <file>.

import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { type Address, encodeFunctionData, getAddress, parseEther, toHex } from 'viem';
import { startAnvil } from '../src/anvil/anvil.js';
import { anvilAccount, createAnvilClient, sendTransaction } from '../src/demo/governance/client.js';
import { deployGovernance, TIMELOCK_ROLES } from '../src/demo/governance/contracts.js';
import {
  fundVoter,
  type Proposal,
  passTime,
  proposeActions,
  queue,
  Support,
  vote,
} from '../src/demo/governance/driver.js';
import type { GovernanceTarget } from '../src/domain/governance.js';
import { GovernanceTracker } from '../src/governance/governance-tracker.js';
import { ChainReader } from '../src/governance/ingest/chain-reader.js';
import { defaultPolicy } from '../src/governance/policy/findings.js';
import { VerificationStore } from '../src/governance/verify/verification-store.js';
import { DecisionVerifier } from '../src/governance/verify/verifier.js';
import { openDatabase } from '../src/store/database.js';
import { tempDir } from '../test/helpers/service.js';
import { machineInfo } from './report.js';

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '5' }, json: { type: 'string' } },
});
const runs = Number(values.runs);
const deployer = anvilAccount(0);
const payees = [5, 6, 7, 8, 9].map((index) => getAddress(anvilAccount(index).address));

/** The resident set's high-water mark of a process, in MiB, from /proc; null where there is none. */
function peakRssOf(pid: number): number | null {
  try {
    const line = readFileSync(`/proc/${pid}/status`, 'utf8')
      .split('\n')
      .find((entry) => entry.startsWith('VmHWM:'));
    return line ? Number(line.replace(/\D+/g, '')) / 1_024 : null;
  } catch {
    return null;
  }
}

/** The anvil forks this process started: children whose command line forks from a URL. */
function forkPids(): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const command = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (parent === process.pid && command.includes('--fork-url')) pids.push(Number(entry));
    } catch {
      // Gone since the listing.
    }
  }
  return pids;
}

const median = (list: readonly number[]) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)]!;

async function main() {
  const upstream = await startAnvil();
  const client = createAnvilClient(upstream.url, upstream.chainId);
  const gov = await deployGovernance(client, deployer, {
    timelockDelaySeconds: 60n,
    votingDelayBlocks: 1,
    votingPeriodBlocks: 5,
  });
  const startBlock = 0;
  await fundVoter(client, gov, deployer, deployer, 0n);
  const transfer = (to: Address, amount: bigint) =>
    encodeFunctionData({ abi: gov.token.abi, functionName: 'transfer', args: [to, amount] });
  await sendTransaction(client, deployer, { to: gov.token.address, data: transfer(gov.timelock.address, 10n ** 23n) });
  await sendTransaction(client, deployer, { to: gov.timelock.address, data: '0x', value: parseEther('10') });
  const tenActions = (salt: bigint) => [
    ...payees.map((payee, index) => ({
      target: gov.token.address,
      value: 0n,
      calldata: transfer(payee, 10n ** 18n * BigInt(index + 1) + salt),
    })),
    ...payees.slice(0, 3).map((payee) => ({ target: payee, value: parseEther('0.1') + salt, calldata: '0x' as const })),
    {
      target: gov.timelock.address,
      value: 0n,
      calldata: encodeFunctionData({ abi: gov.timelock.abi, functionName: 'updateDelay', args: [120n + salt] }),
    },
    {
      target: gov.timelock.address,
      value: 0n,
      calldata: encodeFunctionData({
        abi: gov.timelock.abi,
        functionName: 'grantRole',
        args: [TIMELOCK_ROLES.proposer, payees[4]!],
      }),
    },
  ];
  const proposals: Proposal[] = [];
  for (const salt of [1n, 2n])
    proposals.push(await proposeActions(client, gov, deployer, `Ten actions ${salt}`, tenActions(salt)));
  await client.mine({ blocks: 2 });
  for (const proposal of proposals) await vote(client, gov, deployer, proposal, Support.For);
  await client.mine({ blocks: 6 });
  for (const proposal of proposals) await queue(client, gov, deployer, proposal);
  await passTime(client, 1);

  // The tracker reads the proposals (their actions and stage) once; each run verifies them afresh.
  const dir = tempDir();
  const { db } = openDatabase(join(dir, 'ere.db'));
  const target: GovernanceTarget = {
    id: 'dao',
    kind: 'governor',
    chain: 'local',
    address: gov.governor.address,
    startBlock,
    confirmations: 0,
    pollIntervalMs: 1_000,
    maxBlockRange: 10_000,
    labels: {},
    settings: {
      flavor: 'openzeppelin',
      token: undefined,
      executionGraceMs: 3_600_000,
      quorumRiskWindowMs: 3_600_000,
      topDelegates: 2,
    },
  };
  const reader = new ChainReader('local', [{ id: 'anvil', url: upstream.url, headers: {}, timeoutMs: 10_000 }], {
    expectedChainId: upstream.chainId,
    preference: () => ['anvil'],
  });
  const clock = { now: () => Date.now() };
  const tracker = new GovernanceTracker(db, [target], { clock, readers: new Map([['local', reader]]) });
  const status = await tracker.poll('dao');
  if (status.lastError) throw new Error(`ingestion failed: ${status.lastError.message}`);
  const decisions = tracker.verifiable('dao');
  if (decisions.length !== 2 || decisions.some((decision) => decision.calls.length !== 10))
    throw new Error('expected two queued proposals of 10 actions each');

  // Baseline: the node traces the first proposal's execution itself, at its ETA.
  const rpc = async <T>(method: string, params: unknown[]): Promise<T> => {
    const answer = (await (
      await fetch(upstream.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
      })
    ).json()) as { result?: T; error?: { message: string } };
    if (answer.error) throw new Error(`${method}: ${answer.error.message}`);
    return answer.result as T;
  };
  const [first] = proposals;
  const execute = {
    from: deployer.address,
    to: gov.governor.address,
    data: encodeFunctionData({
      abi: gov.governor.abi,
      functionName: 'execute',
      args: [first!.targets, first!.values, first!.calldatas, first!.descriptionHash],
    }),
  };
  const eta = Number(await client.readContract({ ...gov.governor, functionName: 'proposalEta', args: [first!.id] }));
  const baselineMs: number[] = [];
  for (let run = 0; run < runs; run++) {
    const snapshot = await rpc<string>('evm_snapshot', []);
    const started = performance.now();
    await rpc('evm_setNextBlockTimestamp', [toHex(eta + 1)]);
    await rpc('evm_mine', []);
    await rpc('debug_traceCall', [execute, 'latest', { tracer: 'callTracer', tracerConfig: { withLog: true } }]);
    await rpc('debug_traceCall', [execute, 'latest', { tracer: 'prestateTracer', tracerConfig: { diffMode: true } }]);
    baselineMs.push(performance.now() - started);
    await rpc('evm_revert', [snapshot]);
  }

  const rows: {
    firstMs: number;
    reusedMs: number;
    forkStartMs: number;
    upstreamRequests: number;
    forkRssMb: number | null;
  }[] = [];
  for (let run = 0; run < runs; run++) {
    let forkStartMs = 0;
    let offered: typeof decisions = [];
    // A fresh verifier over a fresh table: no simulation of either decision yet, and no fork.
    db.prepare('DELETE FROM governance_verifications').run();
    const verifier = new DecisionVerifier(
      {
        clock,
        store: new VerificationStore(db),
        decoder: tracker.decoder,
        decisions: () => [{ target, decisions: offered, forkBlock: status.cursorBlock }],
        decisionsOf: () => offered,
        upstream: () => ({ url: upstream.url, timeoutMs: 10_000, chainId: upstream.chainId }),
        policy: () => defaultPolicy,
        hooks: { onForkStarted: (_chain, seconds) => (forkStartMs = seconds * 1_000) },
      },
      { beforeEtaMs: 0, timeoutMs: 60_000 },
    );
    const timed = async () => {
      const started = performance.now();
      const verified = await verifier.run();
      const ms = performance.now() - started;
      const [verification] = verified;
      if (verified.length !== 1 || verification!.outcome !== 'success')
        throw new Error(`simulation ${verification?.outcome ?? 'missing'}: ${verification?.errorMessage ?? ''}`);
      const checks = verification!.findings.map((finding) => `${finding.check}/${finding.severity}`);
      // The delay is raised (not flagged); the proposer role granted is.
      if (checks.join(',') !== 'role_granted/critical') throw new Error(`unexpected findings: ${checks.join(',')}`);
      return { ms, upstreamRequests: verification!.upstreamRequests };
    };
    // The first decision alone (its fork starts), then the second at the same block (the fork is reused).
    offered = decisions.slice(0, 1);
    const one = await timed();
    const forkRssMb =
      forkPids()
        .map(peakRssOf)
        .find((value) => value !== null) ?? null;
    offered = decisions;
    const two = await timed();
    await verifier.stop();
    rows.push({
      firstMs: one.ms,
      reusedMs: two.ms,
      forkStartMs,
      upstreamRequests: one.upstreamRequests + two.upstreamRequests,
      forkRssMb,
    });
  }
  await upstream.stop();
  db.close();

  const machine = machineInfo();
  const result = {
    machine,
    runs,
    actions: 10,
    baselineMs: median(baselineMs),
    firstMs: median(rows.map((row) => row.firstMs)),
    reusedMs: median(rows.map((row) => row.reusedMs)),
    forkStartMs: median(rows.map((row) => row.forkStartMs)),
    upstreamRequests: median(rows.map((row) => row.upstreamRequests)),
    ereRssMb: process.resourceUsage().maxRSS / 1_024,
    forkRssMb: median(rows.map((row) => row.forkRssMb ?? 0)),
  };
  const fixed = (value: number) => value.toFixed(0);
  console.log(`\nGovernance simulation: a proposal of 10 actions, ${runs} runs (medians)`);
  console.log(`machine: ${machine.cpus} × ${machine.cpuModel}, Node ${machine.node}, ${machine.platform}`);
  console.log('| measure | value |\n|---|---|');
  console.log(
    `| baseline: the node's own traces of the execution (upstream, no fork) | ${fixed(result.baselineMs)} ms |`,
  );
  console.log(`| ERE, first decision at a block: fork start, simulation, stored | ${fixed(result.firstMs)} ms |`);
  console.log(`| of which the fork's start | ${fixed(result.forkStartMs)} ms |`);
  console.log(`| ERE, second decision at the same block (fork reused) | ${fixed(result.reusedMs)} ms |`);
  console.log(`| first / baseline | ${(result.firstMs / result.baselineMs).toFixed(1)} × |`);
  console.log(`| reused / baseline | ${(result.reusedMs / result.baselineMs).toFixed(1)} × |`);
  console.log(`| JSON-RPC requests the fork made to the upstream (both decisions) | ${result.upstreamRequests} |`);
  console.log(
    `| peak RSS: ERE's process / the fork's anvil | ${fixed(result.ereRssMb)} MiB / ${fixed(result.forkRssMb)} MiB |`,
  );
  console.log(
    `goal: under 5,000 ms per simulation: ${result.firstMs < 5_000 ? 'met' : 'missed'} (${fixed(result.firstMs)} ms)`,
  );
  if (values.json) writeFileSync(values.json, `${JSON.stringify(result, null, 2)}\n`);
}

await main();
