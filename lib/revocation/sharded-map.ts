/**
 * V8 grows a `Map` by rehashing every entry in one step: at nine million revoked sessions a single
 * `set` froze the event loop for 2.4 s (bench, `BENCH_CPU_PROF`), and a `Map` holds at most about
 * sixteen million entries. Split over 256 maps, each growth moves a 256th of the entries.
 */
const SHARDS = 256;

/** FNV-1a over the whole key: ids may share a prefix (a project id) or a suffix, the random part is anywhere. */
function shardOf(key: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < key.length; index++) hash = Math.imul(hash ^ key.charCodeAt(index), 0x01000193);
  return (hash >>> 24) ^ (hash & 0xff);
}

/** The part of `Map<string, V>` the revocation ledger uses, split by key so that no growth stalls. */
export class ShardedMap<V> {
  private readonly shards: Map<string, V>[] = Array.from({ length: SHARDS }, () => new Map<string, V>());
  private count = 0;

  get size(): number {
    return this.count;
  }

  get(key: string): V | undefined {
    // Most checks find no revocation at all: no hashing then.
    return this.count === 0 ? undefined : this.shards[shardOf(key)]!.get(key);
  }

  set(key: string, value: V): void {
    const shard = this.shards[shardOf(key)]!;
    const before = shard.size;
    shard.set(key, value);
    this.count += shard.size - before;
  }

  delete(key: string): boolean {
    if (this.count === 0) return false;
    const deleted = this.shards[shardOf(key)]!.delete(key);
    if (deleted) this.count--;
    return deleted;
  }

  clear(): void {
    for (const shard of this.shards) shard.clear();
    this.count = 0;
  }

  /** Entries shard by shard; deleting the current entry while iterating is safe, as with a `Map`. */
  *entries(): IterableIterator<[string, V]> {
    for (const shard of this.shards) yield* shard;
  }

  [Symbol.iterator](): IterableIterator<[string, V]> {
    return this.entries();
  }
}
