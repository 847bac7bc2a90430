// Where each field of an imported ERE SLO came from in the OpenSLO documents, so that a problem ERE's own
// schema or cross-checks find (`sli.chain: no chain "sepolia"`) is reported at the OpenSLO field the user
// wrote (`…spec.ratioMetric.good.metricSource.spec.chain`).

import { formatPath } from '../problems.js';
import type { Field } from './field.js';

export class Origins {
  private readonly byPath = new Map<string, string>();

  constructor(private readonly root: string) {}

  set(erePath: readonly PropertyKey[], field: Field): void {
    this.byPath.set(formatPath(erePath), field.path);
  }

  /** The OpenSLO path of the longest recorded prefix of the ERE path, with the rest of the path appended. */
  locate(erePath: readonly PropertyKey[]): string {
    for (let length = erePath.length; length > 0; length -= 1) {
      const origin = this.byPath.get(formatPath(erePath.slice(0, length)));
      if (origin !== undefined) return appendPath(origin, erePath.slice(length));
    }
    return appendPath(this.root, erePath);
  }
}

function appendPath(base: string, rest: readonly PropertyKey[]): string {
  return rest.reduce<string>(
    (path, key) => (typeof key === 'number' ? `${path}[${key}]` : `${path}.${String(key)}`),
    base,
  );
}
