// SLO windows in UTC: where a window starts for a given instant, and how long it is. Pure.

import type { SloWindow } from '../domain/slo.js';

import { dayMs, minuteMs } from '../domain/clock.js';

export { dayMs, hourMs, minuteMs } from '../domain/clock.js';

/** The UTC calendar month holding `atMs`: [start, end). */
export function calendarMonth(atMs: number): { startMs: number; endMs: number } {
  const date = new Date(atMs);
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth();
  return { startMs: Date.UTC(year, month, 1), endMs: Date.UTC(year, month + 1, 1) };
}

/** A month given as `YYYY-MM`, or null when the text is not one. */
export function parseMonth(text: string): { startMs: number; endMs: number } | null {
  const match = /^(\d{4})-(\d{2})$/.exec(text);
  if (!match) return null;
  const month = Number(match[2]);
  if (month < 1 || month > 12) return null;
  return calendarMonth(Date.UTC(Number(match[1]), month - 1, 1));
}

/**
 * The window an evaluation at `atMs` covers: [startMs, atMs], and the length of the whole window
 * (`totalMs`), which for a calendar month is the whole month, not the part of it elapsed.
 */
export function windowAt(window: SloWindow, atMs: number): { startMs: number; endMs: number; totalMs: number } {
  if (window.kind === 'rolling') return { startMs: atMs - window.durationMs, endMs: atMs, totalMs: window.durationMs };
  const month = calendarMonth(atMs);
  return { startMs: month.startMs, endMs: atMs, totalMs: month.endMs - month.startMs };
}

/** The length alerting scales against: a calendar month counts as 30 days, as in the SRE Workbook. */
export function nominalWindowMs(window: SloWindow): number {
  return window.kind === 'rolling' ? window.durationMs : 30 * dayMs;
}

/**
 * The end (exclusive) of the last settled minute at `nowMs`: a minute's rollups are complete only once the
 * probes that started in it have been written, `settleMs` after it ends.
 */
export function settledEnd(nowMs: number, settleMs: number): number {
  const settled = nowMs - settleMs;
  return settled - (((settled % minuteMs) + minuteMs) % minuteMs);
}
