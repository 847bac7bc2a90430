// Validators: each scope's last processed epoch (the network baseline beside the watched scopes) with the
// scope's validators, the per-epoch history of a scope, and one validator's duties over a range of epochs
// (attestations, proposals, sync committee) for drill-down.

import { z } from 'zod';
import { FAR_FUTURE_EPOCH } from '../../domain/beacon.js';
import type { ValidatorTracker } from '../../validators/validator-tracker.js';
import type { ScopeAttestationTotals } from '../../validators/attestation-epoch.js';
import { wholeNumber } from '../query.js';
import { HttpError, defineRoute, errorBodySchema, notFound, type RouteDefinition } from '../route.js';

const maxValidators = 10_000;
const maxEpochRange = 1_000;

const chainQuery = z
  .string()
  .min(1)
  .optional()
  .describe('Chain id; may be left out when one chain has watched validators.');
const scopeSchema = z.object({
  scope: z.string(),
  epoch: z.number().int().nullable().describe('The last epoch whose attestations were processed.'),
  validators: z.number().int(),
  active: z.number().int(),
  statusCounts: z.record(z.string(), z.number().int()),
  balanceGwei: z
    .number()
    .describe('The summed balance as a number: rounded above 2^53 gwei (about 9 M ETH); see balanceGweiExact.'),
  balanceGweiExact: z.string().regex(/^\d+$/).describe('The summed balance, exact, in decimal gwei.'),
  balanceChangeGwei: z.number().nullable(),
  balanceChangeGweiExact: z
    .string()
    .regex(/^-?\d+$/)
    .nullable()
    .describe(
      'The change of the summed balance over the epoch, exact, in decimal gwei; null when there was no earlier list.',
    ),
  attestations: z.object({
    due: z.number().int(),
    effective: z.number().int(),
    ineffective: z.number().int(),
    missed: z.number().int(),
    unknown: z.number().int(),
    effectiveness: z.number().nullable(),
    missRate: z.number().nullable(),
  }),
  missingInARow: z.number().int(),
  slashedNew: z.number().int(),
  proposals: z.object({ epoch: z.number().int().nullable(), due: z.number().int(), missed: z.number().int() }),
  syncCommittee: z.object({ due: z.number().int(), missed: z.number().int(), participation: z.number().nullable() }),
});
const validatorSchema = z.object({
  index: z.number().int(),
  pubkey: z.string(),
  labels: z.record(z.string(), z.string()),
  status: z.string(),
  balanceGwei: z.number(),
  slashed: z.boolean(),
  activationEpoch: z.number().int().nullable().describe('null: not scheduled (far future).'),
  exitEpoch: z.number().int().nullable().describe('null: not exiting (far future).'),
  missedInARow: z.number().int(),
  balanceDecreasingEpochs: z.number().int(),
  lastAttestation: z.object({ epoch: z.number().int(), outcome: z.string() }).nullable(),
});
const dutySchema = z.object({
  epoch: z.number().int(),
  attestation: z
    .enum(['ok', 'missed', 'not_processed'])
    .describe('ok: not missed (or not due: inactive); missed; not_processed: the epoch was not processed (yet).'),
  proposals: z.array(
    z.object({
      slot: z.number().int(),
      atHead: z.enum(['proposed', 'missed']),
      finalized: z.enum(['proposed', 'missed']).nullable(),
    }),
  ),
  syncCommitteeMissed: z.number().int(),
});

const ratio = (part: number, whole: number) => (whole > 0 ? part / whole : null);
const finite = (epoch: number) => (epoch === FAR_FUTURE_EPOCH ? null : epoch);

export function validatorRoutes(deps: { tracker: ValidatorTracker }): RouteDefinition[] {
  const { tracker } = deps;

  function chainOf(chain: string | undefined): string {
    const chains = tracker.chains();
    if (chain === undefined) {
      if (chains.length === 1) return chains[0]!;
      throw new HttpError(
        400,
        'bad_request',
        `name the chain: validators are watched on ${chains.join(', ') || 'no chain'}`,
        'query.chain',
      );
    }
    if (!chains.includes(chain)) throw notFound(`no validators watched on chain "${chain}"`);
    return chain;
  }

  function scopeView(chain: string, scope: string, totals: ScopeAttestationTotals | undefined) {
    const blocks = tracker.lastBlocks(chain)?.scopes.find((candidate) => candidate.scope === scope);
    const valid = totals ? totals.attestationsDue - totals.unknown : 0;
    return {
      scope,
      epoch: totals ? tracker.lastAttestation(chain)!.epoch : null,
      validators: totals?.validators ?? 0,
      active: totals?.active ?? 0,
      statusCounts: Object.fromEntries(Object.entries(totals?.statusCounts ?? {}).filter(([, count]) => count > 0)),
      balanceGwei: totals?.balanceGwei ?? 0,
      balanceGweiExact: totals?.balanceGweiExact ?? '0',
      balanceChangeGwei: totals?.balanceChangeGwei ?? null,
      balanceChangeGweiExact: totals?.balanceChangeGweiExact ?? null,
      attestations: {
        due: totals?.attestationsDue ?? 0,
        effective: totals?.effective ?? 0,
        ineffective: totals?.ineffective ?? 0,
        missed: totals?.missed ?? 0,
        unknown: totals?.unknown ?? 0,
        effectiveness: ratio(totals?.effective ?? 0, valid),
        missRate: ratio(totals?.missed ?? 0, valid),
      },
      missingInARow: totals?.missingInARow ?? 0,
      slashedNew: totals?.slashedNew ?? 0,
      proposals: {
        epoch: tracker.lastBlocks(chain)?.epoch ?? null,
        due: blocks?.proposalsDue ?? 0,
        missed: blocks?.proposalsMissed ?? 0,
      },
      syncCommittee: {
        due: blocks?.syncDue ?? 0,
        missed: blocks?.syncMissed ?? 0,
        participation: ratio((blocks?.syncDue ?? 0) - (blocks?.syncMissed ?? 0), blocks?.syncDue ?? 0),
      },
    };
  }

  return [
    defineRoute({
      method: 'GET',
      url: '/api/v1/validators',
      summary:
        'Each scope’s last processed epoch beside the network baseline; with `scope`, that scope’s validators too.',
      tag: 'validators',
      query: z.strictObject({
        chain: chainQuery,
        scope: z
          .string()
          .min(1)
          .optional()
          .describe('A scope: `watched`, `network` or a label scope such as `operator:kiln`.'),
        limit: wholeNumber(1, maxValidators).describe(`Most validators to list, 1 to ${maxValidators}. Default 1000.`),
        offset: wholeNumber(0, Number.MAX_SAFE_INTEGER).describe('Validators to skip (by index order).'),
      }),
      responses: {
        200: {
          description: 'Scopes, and the scope’s validators when one is named.',
          schema: z.object({
            chain: z.string(),
            cursors: z
              .object({
                blocks: z.number().int().nullable(),
                attestations: z.number().int().nullable(),
                finality: z.number().int().nullable(),
              })
              .describe('The next epoch of each stage.'),
            scopes: z.array(scopeSchema),
            validators: z.array(validatorSchema).optional(),
            total: z.number().int().optional().describe('Validators in the scope (watched and resolved).'),
          }),
        },
        400: { description: 'A bad parameter, named in `field`.', schema: errorBodySchema },
        404: { description: 'No such chain or scope.', schema: errorBodySchema },
      },
      handler: ({ query }) => {
        const chain = chainOf(query.chain);
        const watch = tracker.watchList(chain)!;
        const last = tracker.lastAttestation(chain);
        const scopeNames = query.scope === undefined ? watch.scopes : [query.scope];
        const scopeId = query.scope === undefined ? undefined : watch.scopeId(query.scope);
        if (query.scope !== undefined && scopeId === undefined)
          throw notFound(`no scope "${query.scope}" on chain "${chain}"; scopes: ${watch.scopes.join(', ')}`);
        const body: Record<string, unknown> = {
          chain,
          cursors: tracker.status(chain)!.cursors,
          scopes: scopeNames.map((scope) =>
            scopeView(
              chain,
              scope,
              last?.scopes.find((totals) => totals.scope === scope),
            ),
          ),
        };
        if (scopeId !== undefined && query.scope !== 'network') {
          const states = tracker.watchedValidators(chain);
          const members = [...watch.indices()].filter((index) => watch.scopesOf(index)!.includes(scopeId));
          const offset = query.offset ?? 0;
          body.total = members.length;
          body.validators = members.slice(offset, offset + (query.limit ?? 1_000)).map((index) => {
            const state = states.get(index);
            return {
              index,
              pubkey: state?.pubkey ?? '',
              labels: watch.labelsOf(index) ?? {},
              status: state?.status ?? 'unknown',
              balanceGwei: state?.balanceGwei ?? 0,
              slashed: state?.slashed ?? false,
              activationEpoch: state ? finite(state.activationEpoch) : null,
              exitEpoch: state ? finite(state.exitEpoch) : null,
              missedInARow: state?.missedInARow ?? 0,
              balanceDecreasingEpochs: state?.balanceDecreasingEpochs ?? 0,
              lastAttestation:
                state?.lastAttestationEpoch != null && state.lastOutcome !== null
                  ? { epoch: state.lastAttestationEpoch, outcome: state.lastOutcome }
                  : null,
            };
          });
        }
        return body;
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/validators/epochs',
      summary: 'A scope’s per-epoch aggregates, newest first.',
      tag: 'validators',
      query: z.strictObject({
        chain: chainQuery,
        scope: z.string().min(1).default('watched'),
        from_epoch: wholeNumber(0, Number.MAX_SAFE_INTEGER),
        to_epoch: wholeNumber(0, Number.MAX_SAFE_INTEGER),
        limit: wholeNumber(1, maxEpochRange).describe(`Most epochs, 1 to ${maxEpochRange}. Default 100.`),
      }),
      responses: {
        200: {
          description: 'Epochs.',
          schema: z.object({
            chain: z.string(),
            scope: z.string(),
            epochs: z.array(z.record(z.string(), z.unknown())),
          }),
        },
        400: { description: 'A bad parameter, named in `field`.', schema: errorBodySchema },
        404: { description: 'No such chain.', schema: errorBodySchema },
      },
      handler: ({ query }) => {
        const chain = chainOf(query.chain);
        const epochs = tracker.store.epochs(chain, {
          scope: query.scope,
          fromEpoch: query.from_epoch,
          toEpoch: query.to_epoch,
          limit: query.limit ?? 100,
        });
        return { chain, scope: query.scope, epochs };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/validators/:index/duties',
      summary:
        'One watched validator’s duties over a range of epochs: attestations, proposals and sync committee misses.',
      tag: 'validators',
      params: z.strictObject({ index: z.string().regex(/^\d+$/, 'must be a validator index').transform(Number) }),
      query: z.strictObject({
        chain: chainQuery,
        from_epoch: wholeNumber(0, Number.MAX_SAFE_INTEGER).describe(
          `First epoch; default ${maxEpochRange / 10} epochs before to_epoch.`,
        ),
        to_epoch: wholeNumber(0, Number.MAX_SAFE_INTEGER).describe('Last epoch; default the last processed one.'),
      }),
      responses: {
        200: {
          description: 'The duties, one entry per epoch.',
          schema: z.object({
            chain: z.string(),
            index: z.number().int(),
            labels: z.record(z.string(), z.string()),
            fromEpoch: z.number().int(),
            toEpoch: z.number().int(),
            duties: z.array(dutySchema),
          }),
        },
        400: { description: 'A bad parameter, named in `field`.', schema: errorBodySchema },
        404: { description: 'Not a watched validator, or no such chain.', schema: errorBodySchema },
      },
      handler: ({ params, query }) => {
        const chain = chainOf(query.chain);
        const watch = tracker.watchList(chain)!;
        if (!watch.isWatched(params.index))
          throw notFound(`validator ${params.index} is not watched on chain "${chain}"`);
        const lastProcessed = Math.max(-1, (tracker.status(chain)!.cursors.attestations ?? 0) - 1);
        const toEpoch = query.to_epoch ?? lastProcessed;
        const fromEpoch = query.from_epoch ?? Math.max(0, toEpoch - maxEpochRange / 10 + 1);
        if (fromEpoch > toEpoch)
          throw new HttpError(400, 'bad_request', 'from_epoch is after to_epoch', 'query.from_epoch');
        if (toEpoch - fromEpoch + 1 > maxEpochRange)
          throw new HttpError(400, 'bad_request', `at most ${maxEpochRange} epochs at a time`, 'query.to_epoch');
        const processed = new Set(tracker.store.processedEpochs(chain, fromEpoch, toEpoch));
        const misses = tracker.store.misses(chain, { validatorIndex: params.index, fromEpoch, toEpoch });
        const proposals = tracker.store.proposals(chain, { fromEpoch, toEpoch, validatorIndex: params.index });
        const duties = [];
        for (let epoch = fromEpoch; epoch <= toEpoch; epoch += 1) {
          const missed = misses.some((miss) => miss.epoch === epoch && miss.duty === 'attestation');
          duties.push({
            epoch,
            attestation: missed ? 'missed' : processed.has(epoch) ? 'ok' : 'not_processed',
            proposals: proposals
              .filter((proposal) => proposal.epoch === epoch)
              .map((proposal) => ({
                slot: proposal.slot,
                atHead: proposal.outcome,
                finalized: proposal.finalizedOutcome,
              })),
            syncCommitteeMissed: misses
              .filter((miss) => miss.epoch === epoch && miss.duty === 'sync')
              .reduce((sum, miss) => sum + miss.count, 0),
          });
        }
        return { chain, index: params.index, labels: watch.labelsOf(params.index) ?? {}, fromEpoch, toEpoch, duties };
      },
    }),
  ];
}
