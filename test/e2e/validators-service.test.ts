// The service end to end on the consensus layer: a simulated beacon node on loopback (fast slots), the real
// service probing it and processing its epochs through the scheduler, validator alerts delivered to a webhook,
// and the metrics, the SLO and the REST API showing the same facts.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBeaconSim, type RunningBeaconSim } from '../../src/beacon-sim/index.js';
import { parseConfig } from '../../src/config/load.js';
import { startAnvil, type AnvilNode } from '../../src/anvil/anvil.js';
import { startHttpReceiver, type HttpReceiver } from '../helpers/http-receiver.js';
import { startCapturedService, tempDir, waitFor, type CapturedService } from '../helpers/service.js';

let anvil: AnvilNode;
let node: RunningBeaconSim;
let hook: HttpReceiver;
let service: CapturedService;

function received(status: 'firing' | 'resolved'): { alertname: string; labels: Record<string, string> }[] {
  return hook.requests.flatMap((request) =>
    ((request.json as { alerts?: { status: string; labels: Record<string, string> }[] })?.alerts ?? [])
      .filter((alert) => alert.status === status)
      .map((alert) => ({ alertname: alert.labels.alertname!, labels: alert.labels })),
  );
}

beforeAll(async () => {
  anvil = await startAnvil();
  node = await startBeaconSim({
    seed: 3,
    validatorCount: 128,
    slotsPerEpoch: 4,
    secondsPerSlot: 1,
    attestationMissRate: 0,
    syncMissRate: 0,
    syncCommitteeSize: 16,
  });
  hook = await startHttpReceiver();
  const config = parseConfig(
    JSON.stringify({
      server: { host: '127.0.0.1', port: 0 },
      storage: { path: join(tempDir(), 'ere.db'), flushInterval: '100ms' },
      chains: [
        {
          id: 'sim',
          chainId: 31337,
          pollInterval: '500ms',
          timeout: '400ms',
          rpc: [{ id: 'anvil', url: anvil.url }],
          beacon: {
            endpoints: [{ id: 'sim-node', url: `${node.url}/?apikey=secret-key-1234` }],
            pollInterval: '400ms',
            timeout: '350ms',
            maxHeadAge: '10s',
          },
        },
      ],
      validators: {
        watch: [
          { chain: 'sim', labels: { operator: 'kiln' }, indices: ['0-7'] },
          { chain: 'sim', labels: { operator: 'lido' }, indices: [8, 9], perValidatorMetrics: true },
        ],
      },
      slos: [
        {
          id: 'kiln-attestations',
          service: 'staking',
          objective: 99,
          sli: { kind: 'attestation_effectiveness', chain: 'sim', scope: 'operator:kiln' },
        },
      ],
      alerting: {
        evaluationInterval: '1s',
        rules: [],
        validators: { missedInARow: 2 },
        receivers: [{ id: 'hook', kind: 'webhook', url: `${hook.url}/alerts` }],
        route: {
          receiver: 'hook',
          groupBy: ['alertname', 'validator_scope', 'validator_index'],
          groupWait: '0s',
          groupInterval: '1s',
        },
      },
    }),
  );
  service = await startCapturedService(config);
}, 60_000);

afterAll(async () => {
  await service?.stop();
  await hook?.close();
  await node?.close();
  await anvil?.stop();
});

describe('validators in the running service', () => {
  it('processes epochs and shows scopes beside the network baseline in the API and the metrics', async () => {
    await waitFor(
      () =>
        service.consensus.validators.lastAttestation('sim') !== null &&
        service.consensus.beacon.health('sim')?.healthyEndpoints === 1,
      30_000,
      'an epoch processed and the beacon node healthy',
    );
    const body = (
      await service.app.inject({ method: 'GET', url: '/api/v1/validators?scope=operator:kiln' })
    ).json() as {
      scopes: { scope: string; validators: number; attestations: { due: number } }[];
      validators: { index: number }[];
      total: number;
    };
    expect(body.scopes[0]).toMatchObject({ scope: 'operator:kiln', validators: 8 });
    expect(body.total).toBe(8);
    const all = (await service.app.inject({ method: 'GET', url: '/api/v1/validators' })).json() as {
      scopes: { scope: string; validators: number }[];
    };
    expect(all.scopes.map((scope) => [scope.scope, scope.validators])).toEqual([
      ['network', 118],
      ['watched', 10],
      ['operator:kiln', 8],
      ['operator:lido', 2],
    ]);
    const beacon = (await service.app.inject({ method: 'GET', url: '/api/v1/beacon/sim' })).json() as {
      endpoints: { id: string; healthy: boolean }[];
    };
    expect(beacon.endpoints[0]).toMatchObject({ id: 'sim-node', healthy: true });
    expect(JSON.stringify(beacon)).not.toContain('secret-key-1234');
    const metrics = (await service.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toMatch(
      /ere_validator_attestations_total\{chain="sim",scope="network",outcome="effective"\} [1-9]/,
    );
    expect(metrics).toMatch(/ere_validator_validators\{chain="sim",scope="operator:kiln",status="active_ongoing"\} 8/);
    expect(metrics).toMatch(/ere_validator_detail_balance_gwei\{chain="sim",validator="9"\} \d/);
    expect(metrics).not.toMatch(/ere_validator_detail_balance_gwei\{chain="sim",validator="1"\}/);
    expect(metrics).toMatch(/ere_beacon_up\{chain="sim",endpoint="sim-node"\} 1/);
    expect(service.logLines.join('\n')).not.toContain('secret-key-1234');
  }, 60_000);

  it('pages a slashing and warns of misses in a row; the SLO counts the misses', async () => {
    const epoch = node.sim.headEpoch();
    node.sim.missAttestations([3], epoch, epoch + 50);
    node.sim.slash(5, epoch);
    await waitFor(
      () => received('firing').some((alert) => alert.alertname === 'ValidatorSlashed'),
      30_000,
      'the slashing alert',
    );
    const slashed = received('firing').find((alert) => alert.alertname === 'ValidatorSlashed')!;
    expect(slashed.labels).toMatchObject({
      chain: 'sim',
      validator_index: '5',
      operator: 'kiln',
      severity: 'critical',
    });
    await waitFor(
      () =>
        received('firing').some(
          (alert) =>
            alert.alertname === 'ValidatorAttestationsMissedInARow' && alert.labels.validator_scope === 'operator:kiln',
        ),
      40_000,
      'the misses-in-a-row alert',
    );
    expect(
      received('firing').some(
        (alert) =>
          alert.alertname === 'ValidatorAttestationsMissedInARow' && alert.labels.validator_scope === 'operator:lido',
      ),
    ).toBe(false);
    const duties = (await service.app.inject({ method: 'GET', url: '/api/v1/validators/3/duties' })).json() as {
      duties: { epoch: number; attestation: string }[];
    };
    expect(duties.duties.filter((duty) => duty.attestation === 'missed').length).toBeGreaterThanOrEqual(2);
    expect(duties.duties.filter((duty) => duty.attestation === 'missed').every((duty) => duty.epoch >= epoch)).toBe(
      true,
    );
    // The SLO engine counts settled minutes: evaluate until the minute of the misses is in.
    await waitFor(
      async () => {
        service.slos.evaluate();
        const slo = (await service.app.inject({ method: 'GET', url: '/api/v1/slos/kiln-attestations' })).json() as {
          windowRange: { goodEvents: number; validEvents: number };
        };
        return slo.windowRange.validEvents > slo.windowRange.goodEvents;
      },
      150_000,
      'the SLO to count the misses',
    );
  }, 240_000);
});
