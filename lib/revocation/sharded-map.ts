/** Shards of a large map: growing one `Map` copies its whole table at once (a 1 s stall at 8 M entries). */
const SHARDS = 64;

function shardOf(key: string): number {
  // FNV-1a over at most the last 16 characters: ids differ most at their ends.
  let hash = 0x811c9dc5;
  for (let index = Math.max(0, key.length - 16); index < key.length; index++) hash = Math.imul(hash ^ key.charCodeAt(index), 0x01000193);
  return (hash >>> 0) % SHARDS;
}

/** A string-keyed map split over 64 `Map`s, so that each growth copies a 64th of the entries. */
export class ShardedMap<V> {
  private readonly shards = Array.from({ length: SHARDS }, () => new Map<string, V>());
  private count = 0;

  get size(): number {
    return this.count;
  }

  get(key: string): V | undefined {
    return this.shards[shardOf(key)]!.get(key);
  }

  set(key: string, value: V): void {
    const shard = this.shards[shardOf(key)]!;
    const before = shard.size;
    this.count += shard.set(key, value).size - before;
  }

  delete(key: string): void {
    if (this.shards[shardOf(key)]!.delete(key)) this.count--;
  }

  *[Symbol.iterator](): IterableIterator<[string, V]> {
    for (const shard of this.shards) yield* shard;
  }

  clear(): void {
    for (const shard of this.shards) shard.clear();
    this.count = 0;
  }
}
