import type { KeyFlaw } from './key-usability.js';

/**
 * The keys of one key set that were skipped, counted by kind: a set of 100,000 junk entries is one
 * log line, not 100,000. Each kind keeps its first key as the example.
 */
export class SkippedKeys {
  private readonly byKind = new Map<string, { count: number; key: string; detail: string }>();
  private total = 0;

  /** For `usableKeySet`'s callback. */
  readonly add = (key: string, flaw: KeyFlaw): void => {
    this.total++;
    const kind = this.byKind.get(flaw.kind);
    if (kind) kind.count++;
    else this.byKind.set(flaw.kind, { count: 1, key, detail: flaw.detail });
  };

  /** One line for `source`, or `undefined` when nothing was skipped. */
  summary(source: string, setSize: number): string | undefined {
    if (this.total === 0) return undefined;
    if (this.total === 1) {
      const { key, detail } = [...this.byKind.values()][0]!;
      return `Skipping ${key} from ${source}: it ${detail}`;
    }
    const kinds = [...this.byKind].map(([kind, { count, key, detail }]) => `${count} ${kind} (first: ${key}, it ${detail})`);
    return `Skipping ${this.total} of ${setSize} keys from ${source}: ${kinds.join('; ')}`;
  }
}
