// Silences as Alertmanager has them: matchers and a time span during which matching alerts are not
// notified. Their state, which of them silence an alert, and the rules a new or edited silence must meet.

import type { AlertLabels } from '../domain/alert.js';
import { cachedMatchers, compileMatchers, matcherProblem, type Matcher } from './matchers.js';

export interface Silence {
  id: string;
  matchers: Matcher[];
  startsAtMs: number;
  endsAtMs: number;
  createdBy: string;
  comment: string;
  createdAtMs: number;
  updatedAtMs: number;
}

export type SilenceState = 'pending' | 'active' | 'expired';

/** Alertmanager's: active from its start (inclusive) to its end (exclusive). */
export function silenceState(silence: Pick<Silence, 'startsAtMs' | 'endsAtMs'>, nowMs: number): SilenceState {
  if (nowMs < silence.startsAtMs) return 'pending';
  if (nowMs < silence.endsAtMs) return 'active';
  return 'expired';
}

/** The ids of the silences, active at `nowMs`, all of whose matchers match the labels; in list order. */
export function silencingIds(silences: readonly Silence[], labels: AlertLabels, nowMs: number): string[] {
  const ids: string[] = [];
  for (const silence of silences) {
    if (silenceState(silence, nowMs) === 'active' && cachedMatchers(silence.matchers)(labels)) ids.push(silence.id);
  }
  return ids;
}

export const silenceLimits = { commentLength: 1_000, createdByLength: 200 } as const;

export type SilenceInput = Pick<Silence, 'matchers' | 'startsAtMs' | 'endsAtMs' | 'createdBy' | 'comment'>;

/**
 * What keeps a silence from being created or updated, as Alertmanager's API judges it (empty when
 * nothing): at least one matcher, each valid, and not all matching the empty string, for such a silence
 * would silence every alert; an end after the start and in the future; an author and a comment, within
 * length limits. Each problem starts with the field it is about.
 */
export function validateSilence(input: SilenceInput, nowMs: number): string[] {
  const problems: string[] = [];
  if (input.matchers.length === 0) problems.push('matchers: at least one matcher is required');
  const invalid = input.matchers.map(matcherProblem);
  invalid.forEach((problem, index) => {
    if (problem !== null) problems.push(`matchers[${index}]: ${problem}`);
  });
  if (input.matchers.length > 0 && invalid.every((problem) => problem === null)) {
    if (input.matchers.every((matcher) => compileMatchers([matcher])({}))) {
      problems.push(
        'matchers: at least one matcher must not match the empty string, or the silence would silence every alert',
      );
    }
  }
  if (!Number.isFinite(input.startsAtMs)) problems.push('startsAt: must be a time');
  if (!Number.isFinite(input.endsAtMs)) problems.push('endsAt: must be a time');
  else if (input.endsAtMs <= nowMs) problems.push('endsAt: must be in the future');
  if (input.endsAtMs <= input.startsAtMs) problems.push('endsAt: must be after startsAt');
  for (const [field, limit] of [
    ['createdBy', silenceLimits.createdByLength],
    ['comment', silenceLimits.commentLength],
  ] as const) {
    const value = input[field];
    if (value.trim() === '') problems.push(`${field}: is required`);
    else if (value.length > limit) problems.push(`${field}: must be at most ${limit} characters`);
  }
  return problems;
}
