import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/domain/clock.js';
import { BeaconClient } from '../../src/endpoints/beacon/beacon-client.js';
import { parseConfig } from '../../src/config/load.js';
import { demoBeacon, startDemoBeacon, type DemoBeacon } from '../../src/demo/beacon.js';
import { demoConfigYaml } from '../../src/demo/demo.js';

let beacon: DemoBeacon;
beforeAll(async () => {
  beacon = await startDemoBeacon();
});
afterAll(async () => {
  await beacon?.close();
});

describe('the demo beacon chain', () => {
  it('is watched by the demo config: two operators, their SLO, the beacon endpoint', () => {
    const local = 'http://127.0.0.1:1';
    const config = parseConfig(
      demoConfigYaml({
        host: '127.0.0.1',
        port: 0,
        dbPath: ':memory:',
        nodeUrl: local,
        proxyA: local,
        proxyB: local,
        webhookUrl: `${local}/alerts`,
        webhookKey: 'placeholder-key-0123456789',
        beaconUrl: beacon.node.url,
      }),
    );
    expect(config.chains[0]!.beacon?.endpoints.map((endpoint) => endpoint.id)).toEqual([demoBeacon.endpoint]);
    expect(config.validators.watch.map((set) => set.labels.operator)).toEqual(['demo-a', 'demo-b']);
    expect(config.slos.find((slo) => slo.sli.kind === 'attestation_effectiveness')?.sli).toMatchObject({
      scope: 'operator:demo-a',
    });
    expect(config.alerting.validators.missedInARow).toBe(2);
  });

  it('has validator 2 miss three epochs in a row every fifth epoch, the others attesting', async () => {
    const clock = fixedClock(Date.now());
    const node = await startDemoBeacon({ clock });
    try {
      const client = new BeaconClient({ url: node.node.url, timeoutMs: 2_000, bulkTimeoutMs: 5_000 });
      const start = node.node.sim.headEpoch() + 2;
      const epochMs = demoBeacon.slotsPerEpoch * demoBeacon.secondsPerSlot * 1_000;
      const base = clock.now();
      const head = node.node.sim.headEpoch();
      const missedIn = async (epoch: number) => {
        const rewards = new Map<number, number>();
        await client.attestationRewards(epoch, (reward) => rewards.set(reward.validatorIndex, reward.source));
        return [rewards.get(demoBeacon.flakyValidator)! < 0, rewards.get(1)! < 0];
      };
      const seen = [];
      for (let offset = 3; offset <= 6; offset += 1) {
        // Rewards of epoch E are served from E+2 on, and the node keeps only a few epochs back.
        clock.set(base + (start + offset + 2 - head) * epochMs + 2_000);
        seen.push(await missedIn(start + offset));
      }
      expect(seen).toEqual([
        [false, false],
        [false, false],
        [true, false],
        [true, false],
      ]);
    } finally {
      await node.close();
    }
  });
});
