// Gauges whose series are computed when Prometheus scrapes: reset, then set from the current state, with
// a series left out (not shown as 0) when its value is unknown. Shared by every metrics factory that reads
// a tracker at scrape time.

import { Gauge, type Registry } from 'prom-client';

export type SetSeries<L extends string> = (labels: Record<L, string>, value: number | null | undefined) => void;

export function scrapeGauge<L extends string>(
  registry: Registry,
  name: string,
  help: string,
  labelNames: readonly L[],
  collect: (set: SetSeries<L>) => void,
): Gauge<L> {
  return new Gauge<L>({
    name,
    help,
    labelNames,
    registers: [registry],
    collect() {
      this.reset();
      collect((labels, value) => {
        if (value !== null && value !== undefined && Number.isFinite(value)) this.set(labels, value);
      });
    },
  });
}

/** `read`, computed at most once per 100 ms: once per scrape, however many gauges use it. */
export function oncePerScrape<T>(read: () => T): () => T {
  let takenAt = -Infinity;
  let value: T;
  return () => {
    const now = performance.now();
    if (now - takenAt > 100) {
      value = read();
      takenAt = now;
    }
    return value;
  };
}
