// The validators watched on one chain and the scopes they count in. Scope 0 is `network` (every validator
// not watched), scope 1 `watched` (all of them), then one scope per label `name:value` of the config's sets.
// Scopes are fixed by the config, so metric cardinality is too. Validators watched by public key get their
// index once the validator list shows it.

export const NETWORK = 0;
export const WATCHED = 1;

export interface WatchedSet {
  labels: Record<string, string>;
  /** Single indices and inclusive ranges. */
  indices: readonly (number | readonly [number, number])[];
  pubkeys: readonly string[];
  perValidatorMetrics: boolean;
}

export class WatchList {
  readonly scopes: string[] = ['network', 'watched'];
  private readonly scopeIds = new Map<string, number>([
    ['network', NETWORK],
    ['watched', WATCHED],
  ]);
  /** Watched index → the scopes it counts in, `watched` included. */
  private readonly byIndex = new Map<number, number[]>();
  private readonly labelsByIndex = new Map<number, Record<string, string>>();
  private readonly detailed = new Set<number>();
  /** Public keys not matched to an index yet → their set. */
  private readonly pendingPubkeys = new Map<string, WatchedSet>();
  private sortedCache: Uint32Array | null = null;

  constructor(sets: readonly WatchedSet[]) {
    for (const set of sets) {
      // Every set's scopes exist from the start, even those whose validators are only known by public key yet.
      for (const [name, value] of Object.entries(set.labels)) this.scopeIdFor(`${name}:${value}`);
      for (const entry of set.indices) {
        if (typeof entry === 'number') this.add(entry, set);
        else for (let index = entry[0]; index <= entry[1]; index += 1) this.add(index, set);
      }
      for (const pubkey of set.pubkeys) this.pendingPubkeys.set(pubkey.toLowerCase(), set);
    }
  }

  /** Scope ids of a watched validator (`watched` first), or undefined for a network validator. */
  scopesOf(index: number): readonly number[] | undefined {
    return this.byIndex.get(index);
  }

  labelsOf(index: number): Record<string, string> | undefined {
    return this.labelsByIndex.get(index);
  }

  isWatched(index: number): boolean {
    return this.byIndex.has(index);
  }

  isDetailed(index: number): boolean {
    return this.detailed.has(index);
  }

  get size(): number {
    return this.byIndex.size;
  }

  get unresolvedPubkeys(): number {
    return this.pendingPubkeys.size;
  }

  /** Every watched index, ascending. */
  indices(): Uint32Array {
    this.sortedCache ??= Uint32Array.from(this.byIndex.keys()).sort();
    return this.sortedCache;
  }

  detailedIndices(): number[] {
    return [...this.detailed].sort((a, b) => a - b);
  }

  scopeId(scope: string): number | undefined {
    return this.scopeIds.get(scope);
  }

  /** Matches a public key of the validator list; true when it made a validator watched. */
  resolve(pubkey: string, index: number): boolean {
    if (this.pendingPubkeys.size === 0) return false;
    const set = this.pendingPubkeys.get(pubkey);
    if (set === undefined) return false;
    this.pendingPubkeys.delete(pubkey);
    this.add(index, set);
    return true;
  }

  private scopeIdFor(scope: string): number {
    let id = this.scopeIds.get(scope);
    if (id === undefined) {
      id = this.scopes.length;
      this.scopes.push(scope);
      this.scopeIds.set(scope, id);
    }
    return id;
  }

  private add(index: number, set: WatchedSet): void {
    const scopes = this.byIndex.get(index) ?? [WATCHED];
    const labels = { ...this.labelsByIndex.get(index), ...set.labels };
    for (const [name, value] of Object.entries(set.labels)) {
      const id = this.scopeIdFor(`${name}:${value}`);
      if (!scopes.includes(id)) scopes.push(id);
    }
    this.byIndex.set(index, scopes);
    this.labelsByIndex.set(index, labels);
    if (set.perValidatorMetrics) this.detailed.add(index);
    this.sortedCache = null;
  }
}
