// Small pieces every capability's wiring shares: hooks fanned out to several listeners, and a log that
// speaks when something changes rather than on every repeat.

/** Hooks that call each of `all` in turn, for every hook any of them has. */
export function everyHook<Hooks extends object>(...all: Hooks[]): Hooks {
  const names = new Set(all.flatMap((hooks) => Object.keys(hooks)));
  const fanned = [...names].map((name) => {
    const call = (...args: unknown[]): void => {
      for (const hooks of all) (hooks as Record<string, ((...a: unknown[]) => void) | undefined>)[name]?.(...args);
    };
    return [name, call] as const;
  });
  return Object.fromEntries(fanned) as Hooks;
}

/**
 * The last message logged per key, so that a failure repeating every poll is logged once, and its end once.
 */
export class ChangeLog {
  private readonly last = new Map<string, string>();

  /** Whether `message` differs from the last one of `key` (and remembers it). */
  changed(key: string, message: string): boolean {
    if (this.last.get(key) === message) return false;
    this.last.set(key, message);
    return true;
  }

  /** Whether `key` had a message, which is now forgotten: the failure it told of is over. */
  cleared(key: string): boolean {
    return this.last.delete(key);
  }
}

/** The short message of an error, as typed errors give it, for telling repeats apart. */
export function shortMessageOf(error: Error): string {
  return (error as { shortMessage?: string }).shortMessage ?? error.message;
}
