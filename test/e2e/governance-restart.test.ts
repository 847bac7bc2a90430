// Governance ingestion across a crash, with the service as users run it (bin/ere.js in a child process):
// votes keep landing on a real Governor while the service is killed with SIGKILL mid-ingestion and started
// again on the same database. Afterwards the store must hold exactly the chain's events: none missed, none
// twice, and every proposal's voter count must match the chain's.
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { governorEvents } from '../../src/governance/kinds/governor/ingest.js';
import { startAnvil, type AnvilNode } from '../../src/anvil/anvil.js';
import { openDatabase } from '../../src/store/database.js';
import { type AnvilClient, anvilAccount, createAnvilClient } from '../helpers/anvil-client.js';
import { deployGovernance, type Governance } from '../helpers/governance-contracts.js';
import { Support, fundVoter, propose, vote, type Proposal } from '../helpers/governance-driver.js';
import { tempDir, waitFor } from '../helpers/service.js';

const bin = fileURLToPath(new URL('../../bin/ere.js', import.meta.url));
const deployer = anvilAccount(0);
const voters = [1, 2, 3, 4, 5, 6].map(anvilAccount);

let anvil: AnvilNode;
let client: AnvilClient;
let gov: Governance;
let dir: string;
let configPath: string;
let startBlock: number;
const running: ChildProcess[] = [];

async function startEre(): Promise<{ child: ChildProcess; url: string; output: string[] }> {
  const child = spawn(process.execPath, [bin, 'start', '--config', configPath], { stdio: ['ignore', 'pipe', 'pipe'] });
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

async function targetStatus(
  url: string,
): Promise<{ events: number; status: { cursorBlock: number | null; caughtUp: boolean } }> {
  const body = (await (await fetch(`${url}/api/v1/governance/targets`)).json()) as {
    targets: { id: string; events: number; status: { cursorBlock: number | null; caughtUp: boolean } }[];
  };
  return body.targets.find((target) => target.id === 'dao')!;
}

beforeAll(async () => {
  anvil = await startAnvil();
  client = createAnvilClient(anvil.url, anvil.chainId);
  startBlock = Number(await client.getBlockNumber()) + 1;
  gov = await deployGovernance(client, deployer, { votingDelayBlocks: 1, votingPeriodBlocks: 400 });
  for (const voter of voters) await fundVoter(client, gov, deployer, voter, 10_000n);
  dir = tempDir();
  configPath = join(dir, 'ere.yaml');
  writeFileSync(
    configPath,
    JSON.stringify({
      server: { host: '127.0.0.1', port: 0 },
      storage: { path: join(dir, 'ere.db') },
      log: { level: 'info' },
      chains: [
        { id: 'local', chainId: 31337, pollInterval: '1s', timeout: '500ms', rpc: [{ id: 'anvil', url: anvil.url }] },
      ],
      // Small ranges, so that ingestion is mid-way through many batches when the service is killed.
      governance: [
        {
          kind: 'governor',
          id: 'dao',
          chain: 'local',
          address: gov.governor.address,
          startBlock,
          confirmations: 0,
          pollInterval: '100ms',
          maxBlockRange: 3,
        },
      ],
      alerting: { rules: [] },
    }),
  );
}, 120_000);

afterAll(async () => {
  for (const child of running) if (child.exitCode === null) child.kill('SIGKILL');
  await anvil?.stop();
});

describe('governance ingestion across a SIGKILL', () => {
  it('resumes at the stored cursor: every event once, every tally right', { timeout: 180_000 }, async () => {
    const proposals: Proposal[] = [];
    for (let index = 0; index < 4; index += 1)
      proposals.push(await propose(client, gov, voters[index]!, `Proposal ${index}`, BigInt(7_200 + index)));
    await client.mine({ blocks: 2 });

    const first = await startEre();
    // Votes land while the first run ingests; it is killed once it has stored some but not all.
    let cast = 0;
    for (const proposal of proposals.slice(0, 2)) {
      for (const voter of voters) {
        await vote(client, gov, voter, proposal, cast % 3 === 0 ? Support.Against : Support.For);
        cast += 1;
      }
    }
    await waitFor(async () => (await targetStatus(first.url)).events > 5, 30_000, 'some events ingested');
    await killed(first.child);

    for (const proposal of proposals.slice(2)) {
      for (const voter of voters) await vote(client, gov, voter, proposal, Support.For, 'after the crash');
    }
    const head = Number(await client.getBlockNumber());
    const second = await startEre();
    // It resumes where the first run's last stored batch ended, not from the start block.
    const resumedAt = Number(
      /"cursor":(\d+)[^\n]*"msg":"watching governance target"/.exec(second.output.join(''))?.[1],
    );
    expect(resumedAt).toBeGreaterThan(startBlock);
    await waitFor(
      async () => {
        const target = await targetStatus(second.url);
        return target.status.caughtUp && (target.status.cursorBlock ?? 0) >= head;
      },
      60_000,
      'ingestion caught up after the restart',
    );

    const onChain = await client.getLogs({
      address: [gov.governor.address, gov.token.address],
      events: governorEvents,
      fromBlock: BigInt(startBlock),
      toBlock: BigInt(head),
    });
    const stored = (await targetStatus(second.url)).events;
    expect(stored).toBe(onChain.length);
    for (const proposal of proposals) {
      const detail = (await (await fetch(`${second.url}/api/v1/governance/proposals/dao/${proposal.id}`)).json()) as {
        voters: number;
        votesCast: unknown[];
      };
      expect(detail.voters).toBe(voters.length);
      expect(detail.votesCast).toHaveLength(voters.length);
    }
    await killed(second.child);

    const { db } = openDatabase(join(dir, 'ere.db'));
    const duplicates = db
      .prepare(
        'SELECT count(*) AS n FROM (SELECT tx_hash, log_index FROM ' +
          'governance_events GROUP BY tx_hash, log_index HAVING count(*) > 1)',
      )
      .get() as { n: number };
    expect(duplicates.n).toBe(0);
    db.close();
  });
});
