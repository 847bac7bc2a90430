// OpenSLO's duration shorthand (`5m`, `1h`, `28d`, `4w`, `1M`, `1Q`, `1Y`) and ERE's duration text for a
// number of milliseconds.

import { dayMs, hourMs, minuteMs } from '../../slo/window.js';

export type ShorthandUnit = 'm' | 'h' | 'd' | 'w' | 'M' | 'Q' | 'Y';

export interface Shorthand {
  amount: number;
  unit: ShorthandUnit;
}

/** The shorthand, or null when the text is not one. `1mo` is read as `1M`, as some exporters write it. */
export function parseShorthand(text: string): Shorthand | null {
  const match = /^(\d+)(m|h|d|w|M|Q|Y|mo)$/.exec(text);
  if (!match) return null;
  return { amount: Number(match[1]), unit: (match[2] === 'mo' ? 'M' : match[2]) as ShorthandUnit };
}

const fixedUnitMs: Partial<Record<ShorthandUnit, number>> = { m: minuteMs, h: hourMs, d: dayMs, w: 7 * dayMs };

/** Milliseconds for the units of fixed length; null for months, quarters and years. */
export function shorthandMs(shorthand: Shorthand): number | null {
  const unitMs = fixedUnitMs[shorthand.unit];
  return unitMs === undefined ? null : shorthand.amount * unitMs;
}

/** `86400000` → `1d`, `5400000` → `90m`: the largest of d, h, m that divides it (ERE's config reads all three). */
export function formatDurationText(ms: number): string {
  if (ms % dayMs === 0) return `${ms / dayMs}d`;
  if (ms % hourMs === 0) return `${ms / hourMs}h`;
  return `${Math.round(ms / minuteMs)}m`;
}
