// State agreement: the configured eth_calls and balances, read from every endpoint at one block `depth`
// below the consensus head (a number, not a tag, so that every endpoint is asked the same state), each
// compared across endpoints. An endpoint disagrees when any item it answered differs from the majority's,
// agrees when every item with a majority matched, and is unknown otherwise.

import { numberToHex } from 'viem';
import type { RpcCall } from '../rpc-calls.js';
import { askAll, checkedBlock, noRun, short, type CorrectnessCheckKind, type JudgedVerdict } from '../check.js';
import { judgeAnswers } from '../verdict.js';

const hexAnswer = (value: unknown): string | undefined =>
  typeof value === 'string' && /^0x[0-9a-fA-F]*$/.test(value) ? value.toLowerCase() : undefined;

export const stateAgreement: CorrectnessCheckKind = {
  section: 'state',
  create({ chain, config, endpoints, tracker }) {
    const section = config.state;
    const items = [
      ...section.calls.map((call) => ({
        name: call.name,
        method: 'eth_call',
        params: [{ to: call.to, data: call.data }],
      })),
      ...section.balances.map((account) => ({
        name: `balance of ${account}`,
        method: 'eth_getBalance',
        params: [account],
      })),
    ];
    if (!config.enabled || items.length === 0) return null;
    return {
      checks: ['state'],
      intervalMs: section.interval,
      async run(signal) {
        const block = checkedBlock(tracker, chain, section.depth);
        if (block === null) return noRun;
        if (endpoints.length < 2)
          return { results: [], skipped: [{ check: 'state', reason: 'one endpoint: nothing to compare with' }] };
        const calls: RpcCall[] = items.map((item) => ({
          method: item.method,
          params: [...item.params, numberToHex(block)],
        }));
        const answers = await askAll(endpoints, calls, signal);
        const byItem = items.map((_, index) =>
          judgeAnswers(
            endpoints.map((endpoint, which) => ({
              endpoint: endpoint.endpoint,
              digest: hexAnswer(answers[which]![index]),
            })),
          ),
        );
        const verdicts = endpoints.map(({ endpoint }, which): JudgedVerdict => {
          const mine = byItem.map((verdicts) => verdicts[which]!);
          const wrong = mine.findIndex((verdict) => verdict.outcome === 'disagree');
          if (wrong >= 0) {
            const verdict = mine[wrong]!;
            return {
              ...verdict,
              message:
                `${items[wrong]!.name} at block ${block} is ${short(verdict.digest)}; ` +
                `most endpoints say ${short(verdict.expected)}`,
            };
          }
          const judged = mine.filter((verdict) => verdict.outcome === 'agree');
          return { endpoint, outcome: judged.length > 0 && judged.length === mine.length ? 'agree' : 'unknown' };
        });
        return { results: [{ check: 'state', block, verdicts }], skipped: [] };
      },
    };
  },
};
