import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { resolveGovernanceTarget } from '../../src/governance/governance-schema.js';
import { resolveSlos } from '../../src/config/slos.js';
import { configProblems } from '../helpers/config.js';

const chains = `
chains:
  - id: mainnet
    chainId: 1
    rpc:
      - { id: alchemy, url: "https://eth.example.com" }
  - id: base
    chainId: 8453
    rpc:
      - { id: base-public, url: "https://base.example.com" }
`;

const problemsOf = configProblems;

const governor = '0x408ED6354d4973f66138C91495F2f2FCbd8724C3';
const safe = '0x5aFE3855358E112B5647B952709E6165e1c1eEEe';

describe('governance config', () => {
  it('resolves each kind with its defaults and checksummed addresses', () => {
    const config = parseConfig(
      `${chains}governance:
  - { kind: governor, id: uniswap, chain: mainnet, address: "${governor.toLowerCase()}", startBlock: 13059157 }
  - { kind: timelock, id: uniswap-timelock, chain: mainnet, address: "0x1a9C8182C09F50C8318d769245beA52c32BE35BC",
      startBlock: 13059157, flavor: compound, executionGrace: 3d }
  - { kind: safe, id: council, chain: base, address: "${safe}", startBlock: 1, confirmations: 3, minThreshold: 2,
      minThresholdRatio: 0.5 }
  - { kind: proxy, id: bridge, chain: base, address: "0x3154Cf16ccdb4C6d922629664174b904d80F2C35", startBlock: 1,
      pollInterval: 1m }
`,
      { env: {} },
    );
    const [gov, timelock, council, bridge] = config.governance.map(resolveGovernanceTarget);
    expect(gov).toMatchObject({
      kind: 'governor',
      address: governor,
      confirmations: 12,
      pollIntervalMs: 30_000,
      maxBlockRange: 2_000,
      settings: {
        flavor: 'openzeppelin',
        executionGraceMs: 2 * 86_400_000,
        quorumRiskWindowMs: 86_400_000,
        topDelegates: 10,
      },
    });
    expect(timelock).toMatchObject({
      kind: 'timelock',
      settings: { flavor: 'compound', executionGraceMs: 3 * 86_400_000 },
    });
    expect(council).toMatchObject({
      kind: 'safe',
      chain: 'base',
      confirmations: 3,
      settings: { minThreshold: 2, minThresholdRatio: 0.5 },
    });
    expect(bridge).toMatchObject({ kind: 'proxy', pollIntervalMs: 60_000 });
  });

  it('names the path of every problem: bad address, unknown kind, unknown chain, duplicates, unknown keys', () => {
    const problems = problemsOf(`${chains}governance:
  - { kind: governor, id: dao, chain: mainnet, address: "0x1234", startBlock: 1 }
  - { kind: council, id: other, chain: mainnet, address: "${safe}", startBlock: 1 }
  - { kind: safe, id: council, chain: polygon, address: "${safe}", startBlock: 1 }
  - { kind: safe, id: council, chain: base, address: "${safe}", startBlock: -1, minThresholdRatio: 1.5, colour: red }
`);
    const byPath = Object.fromEntries(problems.map((problem) => [problem.path, problem.message]));
    expect(byPath['governance[0].address']).toMatch(/20-byte hex address/);
    expect(byPath['governance[1].kind']).toMatch(/governor|timelock|safe|proxy/);
    expect(byPath['governance[3].startBlock']).toBeDefined();
    expect(byPath['governance[3].minThresholdRatio']).toBeDefined();
    expect(
      Object.keys(byPath).some((path) => path.startsWith('governance[3]') && /colour/.test(`${path} ${byPath[path]}`)),
    ).toBe(true);
  });

  it('checks references once every entry parses: chains, duplicate ids and addresses, governance SLO targets', () => {
    const problems = problemsOf(`${chains}governance:
  - { kind: governor, id: dao, chain: mainnet, address: "${governor}", startBlock: 1 }
  - { kind: governor, id: dao, chain: mainnet, address: "${governor}", startBlock: 1 }
  - { kind: safe, id: council, chain: polygon, address: "${safe}", startBlock: 1 }
slos:
  - { id: exec, service: dao, objective: 90, sli: { kind: governance_execution, chain: mainnet, targets: [dao, nope] } }
  - { id: part, service: dao, objective: 90, sli: { kind: governance_participation, chain: base } }
  - { id: verify, service: dao, objective: 90, sli: { kind: governance_verification, chain: mainnet,
      targets: [dao, council] } }
`);
    expect(problems).toEqual(
      expect.arrayContaining([
        { path: 'slos[2].sli.targets[1]', message: 'no governor or timelock "council" on chain "mainnet"' },
        { path: 'governance[1].id', message: 'duplicate governance target id "dao"' },
        { path: 'governance[1].address', message: 'the same governor is already watched as "dao"' },
        { path: 'governance[2].chain', message: 'no chain "polygon"' },
        { path: 'slos[0].sli.targets[1]', message: 'no governor "nope" on chain "mainnet"' },
        { path: 'slos[1].sli.chain', message: 'no governor is watched on chain "base" (governance:)' },
      ]),
    );
  });

  it('refuses a governance_verification SLO when simulation is off: it would never count anything', () => {
    const problems = problemsOf(`${chains}simulation: { enabled: false }
governance:
  - { kind: governor, id: dao, chain: mainnet, address: "${governor}", startBlock: 1 }
slos:
  - { id: verify, service: dao, objective: 99, sli: { kind: governance_verification, chain: mainnet } }
`);
    expect(problems).toEqual([
      {
        path: 'slos[0].sli.kind',
        message: 'governance_verification counts simulations: simulation.enabled is false',
      },
    ]);
  });

  it('resolves governance SLOs to the outcomes table, filtered by SLI and targets', () => {
    const config = parseConfig(
      `${chains}governance:
  - { kind: governor, id: dao, chain: mainnet, address: "${governor}", startBlock: 1 }
  - { kind: timelock, id: dao-timelock, chain: mainnet, address: "${safe}", startBlock: 1 }
slos:
  - { id: exec, service: dao, objective: 90, window: 28d, sli: { kind: governance_execution, chain: mainnet,
      targets: [dao] } }
  - { id: part, service: dao, objective: 75, sli: { kind: governance_participation, chain: mainnet } }
  - { id: verify, service: dao, objective: 99, sli: { kind: governance_verification, chain: mainnet,
      targets: [dao, dao-timelock] } }
`,
      { env: {} },
    );
    const [exec, part, verify] = resolveSlos(config);
    expect(verify!.sli.query.filters).toEqual({ sli: ['verification'], target: ['dao', 'dao-timelock'] });
    expect(exec!.sli.query).toEqual({
      table: 'governance_sli_outcomes',
      good: 'good',
      valid: 'valid',
      filters: { sli: ['execution'], target: ['dao'] },
    });
    expect(part!.sli.query.filters).toEqual({ sli: ['participation'] });
    expect(part!.sli.description).toMatch(/reached quorum/);
  });

  it('overrides governance alert severities by alert name, and rejects unknown names', () => {
    const config = parseConfig(
      `${chains}alerting:\n  governance:\n    changeHold: 2h\n    ` +
        `severities: { GovernanceExecutionOverdue: critical }\n`,
      { env: {} },
    );
    expect(config.alerting.governance).toMatchObject({
      enabled: true,
      changeHold: 7_200_000,
      severities: { GovernanceExecutionOverdue: 'critical' },
    });
    const problems = problemsOf(`${chains}alerting:\n  governance:\n    severities: { NoSuchAlert: critical }\n`);
    expect(problems[0]!.path).toMatch(/^alerting\.governance\.severities/);
  });
});
