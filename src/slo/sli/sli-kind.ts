// The interface every SLI kind implements: how it counts good and valid events per minute from the
// rollups (never from raw samples), over the endpoints or the chain an SLO selects.

import type { z } from 'zod';
import type { SliQuery } from '../../domain/slo.js';

export type { SliQuery, SliSelection } from '../../domain/slo.js';

export interface SliKind<Params extends z.ZodType = z.ZodType> {
  kind: string;
  /** The SLI's own settings in the config, beside `kind`, `chain`, `endpoints` and `labels`. */
  params: Params;
  /** What counts as a good event, in words, for status pages and reports. */
  describe(params: z.output<Params>): string;
  query(params: z.output<Params>): SliQuery;
}

/** Keeps a kind's functions typed by its own params schema. */
export function defineSliKind<Params extends z.ZodType>(kind: SliKind<Params>): SliKind {
  return kind as unknown as SliKind;
}
