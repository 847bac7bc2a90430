// A cursor over a value of an OpenSLO document that knows its own path, so that every problem the import
// finds names the field it is about (`slos.yaml: documents[2] (SLO "x").spec.timeWindow[0].duration`).

import type { ConfigProblem } from '../problems.js';

export const isMapping = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Date);

export class Field {
  constructor(
    readonly value: unknown,
    readonly path: string,
    private readonly problems: ConfigProblem[],
  ) {}

  /** YAML's empty value (`key:`) counts as absent, as it does for OpenSLO's own tooling. */
  get present(): boolean {
    return this.value !== undefined && this.value !== null;
  }

  at(key: string | number): Field {
    const container = this.value as Record<string | number, unknown> | undefined;
    const value = isMapping(container) || Array.isArray(container) ? container[key] : undefined;
    return new Field(value, typeof key === 'number' ? `${this.path}[${key}]` : `${this.path}.${key}`, this.problems);
  }

  problem(message: string): undefined {
    this.problems.push({ path: this.path, message });
    return undefined;
  }

  /** This field, or undefined with "is required" recorded. */
  required(): this | undefined {
    return this.present ? this : this.problem('is required');
  }

  /**
   * The mapping, with every key checked: a key in `unsupported` is a problem giving the reason ERE cannot
   * honour it, any other key outside `known` is unknown. Absent: undefined, and no problem.
   */
  mapping(
    known: readonly string[],
    unsupported: Readonly<Record<string, string>> = {},
  ): Record<string, unknown> | undefined {
    if (!this.present) return undefined;
    if (!isMapping(this.value)) return this.problem('must be a mapping');
    for (const key of Object.keys(this.value)) {
      const reason = unsupported[key];
      if (reason !== undefined) this.at(key).problem(reason);
      else if (!known.includes(key)) this.at(key).problem('unknown key');
    }
    return this.value;
  }

  string(): string | undefined {
    if (!this.present) return undefined;
    return typeof this.value === 'string' && this.value !== ''
      ? this.value
      : this.problem('must be a non-empty string');
  }

  number(): number | undefined {
    if (!this.present) return undefined;
    return typeof this.value === 'number' && Number.isFinite(this.value)
      ? this.value
      : this.problem('must be a number');
  }

  boolean(): boolean | undefined {
    if (!this.present) return undefined;
    return typeof this.value === 'boolean' ? this.value : this.problem('must be true or false');
  }

  items(): Field[] | undefined {
    if (!this.present) return undefined;
    if (!Array.isArray(this.value)) return this.problem('must be a list');
    return this.value.map((_, index) => this.at(index));
  }
}
