// The canary's alerts as they are read after a restart: attempts stored as a canary leaves them, an engine
// made over that store, and the built-in rules' series with their values, one per endpoint and one for the
// key's balance. No endpoint is asked anything: the values come from the rows alone.
import { Registry } from 'prom-client';
import { generatePrivateKey } from 'viem/accounts';
import { describe, expect, it } from 'vitest';
import { canaryBuiltInRules } from '../../src/alerting/built-in-rules.js';
import { thresholdRulesOf } from '../../src/alerting/threshold-rules.js';
import { systemClock } from '../../src/domain/clock.js';
import { chainSchema } from '../../src/endpoints/chain-schema.js';
import { CanaryEngine } from '../../src/endpoints/rpc/canary/canary-engine.js';
import { createCanaryMetrics } from '../../src/endpoints/rpc/canary/canary-metrics.js';
import { CanaryStore, type NewAttempt } from '../../src/endpoints/rpc/canary/canary-store.js';
import { ChainTracker } from '../../src/endpoints/rpc/rpc-tracker.js';
import { createLogger } from '../../src/log/logger.js';
import { SecretScrubber } from '../../src/log/redact.js';
import { openDatabase } from '../../src/store/database.js';

describe('the canary alert source', () => {
  it('reads each endpoint’s last ending and the balance, restored from the store', () => {
    const chain = chainSchema.parse({
      id: 'local',
      chainId: 31337,
      rpc: ['a', 'b', 'c', 'd'].map((id) => ({ id, url: `http://127.0.0.1:1/${id}` })),
      canary: { privateKey: generatePrivateKey(), maxFeePerGas: 10 },
    });
    const { db } = openDatabase(':memory:');
    const store = new CanaryStore(db);
    const logger = createLogger({ level: 'silent', scrubber: new SecretScrubber() });
    const make = () =>
      new CanaryEngine(
        { chain: 'local', chainId: 31337, config: chain.canary!, endpoints: [] },
        { store, clock: systemClock, logger, metrics: createCanaryMetrics(new Registry(), { chains: () => [] }) },
      );
    const address = make().address;
    const attempt = (nonce: number, endpoint: string): NewAttempt => ({
      chain: 'local',
      address,
      nonce,
      attempt: 1,
      hash: `0x${String(nonce).padStart(64, '0')}`,
      endpoints: [endpoint],
      sentAtMs: 1_000 * nonce,
      firstSentAtMs: 1_000 * nonce,
      fees: { maxFeePerGas: 1n, maxPriorityFeePerGas: 1n },
      counted: true,
    });
    const ended = (nonce: number, endpoint: string, status: 'included' | 'dropped' | 'rejected' | 'in_flight') => {
      const row = store.add(attempt(nonce, endpoint));
      store.save({ ...row, status, reason: status === 'rejected' ? 'underpriced' : null });
    };
    ended(1, 'a', 'dropped');
    ended(2, 'a', 'included'); // a's last canary was included: the earlier drop no longer counts
    ended(3, 'b', 'dropped');
    ended(4, 'c', 'rejected');
    ended(5, 'd', 'in_flight'); // nothing ended through d yet

    const engine = make();
    expect(engine.inFlight.map((open) => open.nonce)).toEqual([5]);
    const rules = thresholdRulesOf(canaryBuiltInRules, {
      rpc: { chains: [chain], tracker: new ChainTracker([], systemClock) },
      canary: { engines: [engine], engine: () => engine, store },
    });
    const values = (name: string) =>
      rules
        .filter((rule) => rule.name === name)
        .flatMap((rule) => rule.signals())
        .map((signal) => [signal.labels.endpoint ?? signal.labels.scope, signal.value]);
    expect(values('CanaryNotIncluded')).toEqual([
      ['chain', null],
      ['a', 0],
      ['b', 1],
      ['c', null],
      ['d', null],
    ]);
    expect(values('CanaryEndpointRejecting')).toEqual([
      ['chain', null],
      ['a', 0],
      ['b', 0],
      ['c', 1],
      ['d', null],
    ]);
    // The balance is unknown until the engine has read it from the chain.
    expect(values('CanaryBalanceLow')).toEqual([
      ['chain', null],
      ['a', null],
      ['b', null],
      ['c', null],
      ['d', null],
    ]);
    db.close();
  });
});
