/**
 * The own properties of `Object.prototype` and `Array.prototype` (names, kinds, attributes): equal
 * snapshots mean no input added, replaced or changed anything there.
 */
export function prototypeSnapshot(): string {
  return JSON.stringify(
    [Object.prototype, Array.prototype].map((proto) =>
      Reflect.ownKeys(proto)
        .map((key) => [String(key), Object.getOwnPropertyDescriptor(proto, key)!] as const)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([name, descriptor]) => {
          const value = typeof descriptor.value === 'function' ? `function ${descriptor.value.name}` : typeof descriptor.value;
          return [name, value, typeof descriptor.get, descriptor.writable, descriptor.enumerable, descriptor.configurable];
        }),
    ),
  );
}
