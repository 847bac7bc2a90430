// `ere demo`: a self-contained run on this machine. A local anvil chain, three RPC endpoints in front of
// it (the node itself and two fault-injecting proxies), a config written to a temporary directory, the
// service monitoring them, and a fault injected now and then so that the numbers move. On the same chain a
// small DAO (governor, timelock, Safe, proxy) plays its governance story, watched by the same service, and a
// simulated beacon node serves the consensus layer, with six watched validators, one of them flaky.

import { toHex } from 'viem';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import type { Output } from '../log/output.js';
import { loadConfigFile } from '../config/load.js';
import { createLogger } from '../log/logger.js';
import { secretsScrubber, startService, type RunningService } from '../main.js';
import { startAlertLogReceiver } from './alert-log-receiver.js';
import { startAnvil, type AnvilNode } from '../anvil/anvil.js';
import { demoBeaconYaml, demoValidatorSlosYaml, demoValidatorsYaml, startDemoBeacon } from './beacon.js';
import { startFaultProxy, type Fault, type FaultProxy } from './fault-proxy.js';
import { type AnvilClient, anvilAccount, createAnvilClient } from './governance/client.js';
import {
  type DemoGovernance,
  type DemoGovernanceAddresses,
  demoGovernanceAddresses,
  demoGovernanceIds,
  demoGovernanceSlosYaml,
  demoGovernanceYaml,
  deployDemoGovernance,
} from './governance/setup.js';
import { type DecisionVerdict, startGovernanceStory } from './governance/story.js';

export interface DemoOptions {
  host: string;
  port: number;
  dbPath?: string | undefined;
  output: Output;
  /** Seconds each fault lasts and seconds of calm between faults. */
  faultSeconds?: number;
  calmSeconds?: number;
  /** `cycle` (the default) injects the scenarios in turn; `manual` leaves every fault to `setFault`. */
  faults?: 'cycle' | 'manual';
}

export interface DemoRun {
  configPath: string;
  service: RunningService;
  /** Puts a fault on one of the demo's proxied endpoints (`{ kind: 'none' }` clears it). */
  setFault(endpoint: Scenario['endpoint'], fault: Fault): void;
  stop(): Promise<void>;
}

interface Scenario {
  endpoint: 'provider-a' | 'provider-b';
  fault: Fault;
  says: string;
}

/** anvil's account 5, funded on every anvil chain: the demo canary's key, public and worthless elsewhere. */
const demoCanaryKey = toHex(anvilAccount(5).getHdKey().privateKey!);

/** The faults the demo cycles through, one at a time. */
export const demoScenarios: readonly Scenario[] = [
  { endpoint: 'provider-a', fault: { kind: 'stale' }, says: 'falls behind (its head stops moving)' },
  { endpoint: 'provider-b', fault: { kind: 'http_status', status: 503 }, says: 'answers HTTP 503' },
  { endpoint: 'provider-a', fault: { kind: 'hang' }, says: 'hangs (probes time out)' },
  {
    endpoint: 'provider-b',
    fault: { kind: 'ahead', blocks: 50 },
    says: 'lies: reports a head 50 blocks ahead (the consensus head does not follow)',
  },
  { endpoint: 'provider-a', fault: { kind: 'rate_limited' }, says: 'rate-limits (HTTP 429)' },
  { endpoint: 'provider-b', fault: { kind: 'slow', delayMs: 1_200 }, says: 'answers slowly (1.2 s)' },
  {
    endpoint: 'provider-a',
    fault: { kind: 'wrong_chain_id', chainId: 1 },
    says: 'serves the wrong chain (chain id 1)',
  },
  {
    endpoint: 'provider-b',
    fault: { kind: 'drop_log' },
    says: 'drops a log from eth_getLogs (its probes still succeed: the data checks catch it)',
  },
];

export function demoConfigYaml(options: {
  host: string;
  port: number;
  dbPath: string;
  nodeUrl: string;
  proxyA: string;
  proxyB: string;
  webhookUrl: string;
  webhookKey: string;
  /** The API token the silence and acknowledgement routes need; without it they answer 403. */
  apiToken?: string | undefined;
  /** The demo's DAO; without it the config watches no governance. */
  governance?: DemoGovernanceAddresses | undefined;
  /** The simulated beacon node; without it the config watches no validators. */
  beaconUrl?: string | undefined;
}): string {
  return `# Written by "ere demo". Copy it and point the URLs at your own endpoints.
server:
  host: ${options.host}
  port: ${options.port}
${options.apiToken ? `  auth: { token: ${options.apiToken} }\n` : ''}storage:
  path: ${JSON.stringify(options.dbPath)}
log:
  level: info
chains:
  - id: demo
    chainId: 31337
    pollInterval: 2s
    timeout: 1500ms
    maxLagBlocks: 3
    rpc:
      - id: anvil-node
        url: ${options.nodeUrl}
        labels: { provider: self-hosted }
      - id: provider-a
        url: ${options.proxyA}
        labels: { provider: proxy-a }
      - id: provider-b
        url: ${options.proxyB}
        labels: { provider: proxy-b }
    # Data checks: the endpoints' blocks, tags and logs compared, each endpoint's logs held to its own receipts.
    # Short intervals and a long logs range, so that a 20-second fault is caught; the defaults are gentler.
    correctness:
      enabled: true
      for: 1m
      blocks: { interval: 10s, depth: 3, tagLagBlocks: 8 }
      logs: { interval: 10s, depth: 3, blocks: 30 }
      transactions: { interval: 10s, depth: 3 }
    # A real transaction every 15 s. The key is anvil's well-known account 5; give your own from the
    # environment, as privateKey: \${CANARY_KEY}, and never write it in a file.
    canary:
      privateKey: "${demoCanaryKey}"
      interval: 15s
      maxFeePerGas: 10
      timeout: 20s
      includedWithin: 5s
      watchInterval: 250ms
${options.beaconUrl ? demoBeaconYaml(options.beaconUrl) : ''}slos:
  - id: provider-a-availability
    service: demo-rpc
    description: provider-a answers its probes
    objective: 99
    window: 7d
    sli: { kind: availability, chain: demo, endpoints: [provider-a] }
  - id: demo-inclusion
    service: demo-rpc
    description: canary transactions are mined within 5 s
    objective: 99
    window: 7d
    sli: { kind: tx_inclusion, chain: demo }
  - id: demo-redundancy
    service: demo-rpc
    description: at least two healthy endpoints
    objective: 99.5
    window: 7d
    budgeting: timeslices
    sli: { kind: redundancy, chain: demo, minHealthyEndpoints: 2 }
${options.governance ? demoGovernanceSlosYaml : ''}${options.beaconUrl ? demoValidatorSlosYaml : ''}\
# Alert rules with short "for" durations so that the demo's 20-second faults fire them; the defaults
# (used when "rules" is left out) wait minutes, as production alerts should.
alerting:
  evaluationInterval: 2s
  # Governance alerts are on by default; a change (Safe threshold, proxy upgrade) fires for 2 minutes here.
  governance: { changeHold: 2m }
  # Validator alerts are on by default; here two misses in a row already count, and a missed proposal fires for
  # 5 minutes.
  validators: { missedInARow: 2, eventHold: 5m }
  rules:
    - name: EndpointDown
      source: endpoint
      metric: up
      op: "=="
      threshold: 0
      for: 6s
      keepFiringFor: 4s
      severity: warning
      annotations:
        summary: "{{ $labels.endpoint }} on {{ $labels.chain }} is down"
    - name: EndpointLagging
      source: endpoint
      metric: lag_blocks
      op: ">"
      threshold: 3
      clear: 1
      for: 6s
      severity: warning
      annotations:
        summary: "{{ $labels.endpoint }} is {{ $value }} blocks off the consensus head"
    - name: EndpointSlow
      source: endpoint
      metric: latency_seconds
      op: ">"
      threshold: 1
      for: 6s
      severity: info
      annotations:
        summary: "{{ $labels.endpoint }} answers in {{ $value | humanizeDuration }}"
    - name: ChainHalted
      source: chain
      metric: head_age_seconds
      op: ">"
      threshold: 15
      for: 5s
      severity: critical
      annotations:
        summary: "{{ $labels.chain }} has made no block for {{ $value | humanizeDuration }}"
  receivers:
    # A webhook on loopback that checks the HMAC signature and prints what it receives.
    - id: demo-webhook
      kind: webhook
      url: ${options.webhookUrl}
      hmacKey: ${options.webhookKey}
  route:
    receiver: demo-webhook
    groupBy: [alertname, chain]
    groupWait: 2s
    groupInterval: 10s
    repeatInterval: 1h
${options.governance ? demoGovernanceYaml(options.governance) : ''}${options.beaconUrl ? demoValidatorsYaml : ''}`;
}

function describeChain(service: RunningService): string {
  const health = service.tracker.health('demo');
  if (!health) return '';
  const head =
    health.consensusHead === null
      ? 'no head'
      : `head ${health.consensusHead} (${health.headAgeSeconds?.toFixed(1)} s old)`;
  const endpoints = health.endpoints
    .map(
      (endpoint) =>
        `${endpoint.endpoint} ${endpoint.healthy ? 'healthy' : `UNHEALTHY (${endpoint.unhealthyReasons.join(', ')})`}`,
    )
    .join('; ');
  return `[demo] ${head}, ${health.healthyEndpoints}/${health.configuredEndpoints} healthy: ${endpoints}`;
}

/**
 * Deploys the demo's DAO while anvil mines a block per transaction, then turns on a block a second, as the
 * rest of the demo expects. Without a DAO (it could not be compiled or deployed) the demo goes on without it.
 */
async function setUpChain(anvil: AnvilNode, client: AnvilClient, output: Output): Promise<DemoGovernance | undefined> {
  let governance: DemoGovernance | undefined;
  output.out('[governance] deploying the demo DAO: token, governor, timelock, a 2-of-3 Safe and a proxy…');
  try {
    governance = await deployDemoGovernance(client);
  } catch (error) {
    output.err(
      `[governance] the demo DAO could not be deployed; the demo goes on ` +
        `without it: ${(error as Error).message.split('\n')[0]}`,
    );
  }
  await anvil.setAutomine(false);
  await anvil.setIntervalMining(1);
  return governance;
}

export async function runDemo(options: DemoOptions): Promise<DemoRun> {
  const { output } = options;
  const dir = mkdtempSync(join(tmpdir(), 'ere-demo-'));
  const anvil = await startAnvil();
  const client = createAnvilClient(anvil.url, anvil.chainId);
  let governance: DemoGovernance | undefined;
  try {
    governance = await setUpChain(anvil, client, output);
  } catch (error) {
    await anvil.stop();
    throw error;
  }
  const proxies: Record<Scenario['endpoint'], FaultProxy> = {
    'provider-a': await startFaultProxy({ upstreamUrl: anvil.url }),
    'provider-b': await startFaultProxy({ upstreamUrl: anvil.url }),
  };
  const beacon = await startDemoBeacon();
  const webhookKey = randomBytes(24).toString('hex');
  // A new token each run: silences and acks can be tried in the demo, and nothing else knows the token.
  const apiToken = randomBytes(24).toString('hex');
  const webhook = await startAlertLogReceiver({
    host: '127.0.0.1',
    hmacKey: webhookKey,
    print: (line) => output.out(line),
  });
  const configPath = join(dir, 'ere-demo.yaml');
  const logPath = join(dir, 'ere.log');
  writeFileSync(
    configPath,
    demoConfigYaml({
      host: options.host,
      port: options.port,
      dbPath: options.dbPath ?? join(dir, 'ere.db'),
      nodeUrl: anvil.url,
      proxyA: proxies['provider-a'].url,
      proxyB: proxies['provider-b'].url,
      webhookUrl: webhook.url,
      webhookKey,
      apiToken,
      governance: governance && demoGovernanceAddresses(governance),
      beaconUrl: beacon.node.url,
    }),
  );

  const config = loadConfigFile(configPath);
  const scrubber = secretsScrubber(config);
  const logger = createLogger({
    level: config.log.level,
    scrubber,
    destination: pino.destination({ dest: logPath, sync: false }),
  });
  let service: RunningService;
  try {
    service = await startService(config, { logger, scrubber });
  } catch (error) {
    await Promise.all([
      proxies['provider-a'].close(),
      proxies['provider-b'].close(),
      webhook.close(),
      beacon.close(),
      anvil.stop(),
    ]);
    throw error;
  }

  const faults =
    options.faults === 'manual'
      ? 'No fault is injected until asked'
      : 'Faults are injected on provider-a and provider-b in turn';
  const governanceLine =
    `  governance: ${service.url}/api/v1/governance/proposals and ${service.url}/api/v1/governance/events; ` +
    '"[governance]" lines tell the DAO\'s story';
  const lines = [
    'ERE Monitor demo: a local anvil chain (chain id 31337, a block a second) behind three endpoints.',
    `  config:   ${configPath}`,
    `  log:      ${logPath}`,
    `  metrics:  ${service.url}/metrics`,
    `  chain:    ${service.url}/api/v1/chains/demo`,
    `  samples:  ${service.url}/api/v1/endpoints/provider-a/samples?limit=10`,
    `  data:     ${service.url}/api/v1/chains/demo/correctness (the data checks); ` +
      `${service.url}/api/v1/chains/demo/canary (the canary transactions)`,
    `  SLOs:     ${service.url}/api/v1/slos (evaluated every minute, from the first minute that has settled)`,
    `  alerts:   ${service.url}/api/v1/alerts (and /api/v1/notifications); ` +
      '"[webhook]" lines are what the demo\'s receiver got',
    `  API doc:  ${service.url}/api/v1/openapi.json`,
    `  token:    ${apiToken} (this run's API token: silences and acks need it)`,
    `  silences: export ERE_URL=${service.url} ERE_TOKEN=${apiToken}, then in the same shell`,
    "            npx ere silence add EndpointDown --comment 'trying it'; " +
      'npx ere silence list; npx ere ack <fingerprint>',
    ...(governance ? [governanceLine] : []),
    `  validators: ${service.url}/api/v1/validators and ${service.url}/api/v1/beacon/demo; ` +
      '"[validators]" lines report each epoch (validator 2 misses now and then)',
    `${faults}; Ctrl-C stops everything.`,
  ];
  output.out(lines.join('\n'));
  const unfollow = beacon.follow(service, (line) => output.out(line));
  const story = governance
    ? startGovernanceStory({
        client,
        deployment: governance,
        say: (line) => output.out(line),
        verdict: (proposal) => verdictFromApi(service.url, proposal.id),
      })
    : undefined;

  const faultMs = (options.faultSeconds ?? 20) * 1_000;
  const calmMs = (options.calmSeconds ?? 15) * 1_000;
  const timers = new Set<NodeJS.Timeout>();
  const later = (ms: number, fn: () => void) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      fn();
    }, ms);
    timers.add(timer);
  };
  const inject = (index: number) => {
    const scenario = demoScenarios[index % demoScenarios.length]!;
    proxies[scenario.endpoint].setFault(scenario.fault);
    output.out(`[fault] ${scenario.endpoint} ${scenario.says} for ${faultMs / 1_000} s`);
    later(faultMs, () => {
      proxies[scenario.endpoint].setFault({ kind: 'none' });
      output.out(`[fault] ${scenario.endpoint} is back to normal`);
      later(calmMs, () => inject(index + 1));
    });
  };
  // The first fault comes soon, so that a newcomer sees the numbers move within seconds.
  if (options.faults !== 'manual') later(Math.min(calmMs, 10_000), () => inject(0));
  const status = setInterval(() => output.out(describeChain(service)), 5_000);

  let stopped: Promise<void> | undefined;
  return {
    configPath,
    service,
    setFault: (endpoint, fault) => proxies[endpoint].setFault(fault),
    stop: () =>
      (stopped ??= (async () => {
        clearInterval(status);
        for (const timer of timers) clearTimeout(timer);
        unfollow();
        await story?.stop();
        await service.stop();
        await Promise.all([
          proxies['provider-a'].close(),
          proxies['provider-b'].close(),
          webhook.close(),
          beacon.close(),
        ]);
        await anvil.stop();
        logger.flush();
      })()),
  };
}

/**
 * ERE's verdict on a proposal, from the running service's API: its actions decoded and the findings of its
 * newest simulation; null when none has run within a minute (ingestion waits for 2 confirmations).
 */
async function verdictFromApi(url: string, proposalId: bigint): Promise<DecisionVerdict | null> {
  const id = encodeURIComponent(proposalId.toString());
  const target = encodeURIComponent(demoGovernanceIds.governor);
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const answer = await fetch(`${url}/api/v1/governance/verifications/${target}/proposal/${id}`).catch(() => null);
    const body = answer?.ok ? ((await answer.json()) as { verifications?: VerificationAnswer[] }) : null;
    const newest = body?.verifications?.at(-1);
    if (newest && newest.outcome !== 'error') {
      const proposal = await fetch(`${url}/api/v1/governance/proposals/${target}/${id}`);
      const { actions } = (await proposal.json()) as { actions: { summary: string }[] };
      return { actions: actions.map((action) => action.summary), findings: newest.findings };
    }
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
  return null;
}

interface VerificationAnswer {
  outcome: string;
  findings: { check: string; severity: string; message: string }[];
}
