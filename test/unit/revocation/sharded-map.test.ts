import { ShardedMap } from '../../../lib/revocation/sharded-map.js';

/** The revocation ledger's map, split so that no growth rehashes millions of entries at once (issue 16.2). */
describe('ShardedMap', () => {
  it('behaves as a Map: overwrite, delete, size, clear', () => {
    const map = new ShardedMap<number>();
    map.set('a', 1);
    map.set('a', 2);
    map.set('b', 3);
    expect(map.size).toBe(2);
    expect(map.get('a')).toBe(2);
    expect(map.delete('a')).toBe(true);
    expect(map.delete('a')).toBe(false);
    expect(map.size).toBe(1);
    map.clear();
    expect(map.size).toBe(0);
    expect(map.get('b')).toBeUndefined();
  });

  it('iterates every entry once, also while deleting the entry it is on', () => {
    const map = new ShardedMap<number>();
    for (let index = 0; index < 5000; index++) map.set(`id-${index}`, index);
    const seen = new Set<string>();
    for (const [key, value] of map) {
      seen.add(key);
      if (value % 2 === 0) map.delete(key);
    }
    expect(seen.size).toBe(5000);
    expect(map.size).toBe(2500);
    expect([...map.entries()].every(([, value]) => value % 2 === 1)).toBe(true);
  });

  it.each([
    ['provider session ids', (index: number) => `S2${index.toString(36).padStart(6, '0')}${Math.random().toString(36).slice(2, 12)}`],
    ['sequential numbers', (index: number) => String(1_000_000 + index)],
    ['UUIDs', () => crypto.randomUUID()],
    ['ids sharing a prefix and a suffix', (index: number) => `P2project|${index.toString(36)}${Math.random().toString(36).slice(2, 8)}-descope-like-session`],
  ])('spreads %s over its maps: no map takes more than twice its share', (_name, id) => {
    const map = new ShardedMap<number>();
    for (let index = 0; index < 65_536; index++) map.set(id(index), index);
    const shards = (map as unknown as { shards: Map<string, number>[] }).shards.map((shard) => shard.size);
    expect(shards).toHaveLength(256);
    expect(Math.max(...shards)).toBeLessThan(512);
    expect(Math.min(...shards)).toBeGreaterThan(128);
  });
});
