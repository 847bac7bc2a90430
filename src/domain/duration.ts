// Durations in the config: "500ms", "15s", "2m", "1h", "7d", or a plain number of seconds.

const unitMs: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const durationPattern = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/;

/** Milliseconds, or null when the text is not a duration. */
export function parseDurationMs(value: string | number): number | null {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value * 1_000 : null;
  const match = durationPattern.exec(value.trim());
  if (!match) return null;
  const [, amount, unit] = match;
  return Number(amount) * unitMs[unit as string]!;
}
