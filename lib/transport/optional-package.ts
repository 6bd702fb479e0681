/**
 * Loads a package the application may not have installed (`@nestjs/websockets`,
 * `@nestjs/microservices`), once, with a dynamic `import()`: no static import, so the package stays
 * an optional peer and this module loads without it. `undefined` when it cannot be resolved.
 *
 * Only called on a transport that already runs in the application (a gateway message, a
 * microservice message), so the package is there and is the very copy Nest uses.
 */
const loading = new Map<string, Promise<Readonly<Record<string, unknown>> | undefined>>();

export function importOptional(specifier: string): Promise<Readonly<Record<string, unknown>> | undefined> {
  let pending = loading.get(specifier);
  if (!pending) {
    pending = import(specifier).then(
      (namespace: unknown) => namespace as Readonly<Record<string, unknown>>,
      () => undefined,
    );
    loading.set(specifier, pending);
  }
  return pending;
}

/** An exported class of an optional package, from ESM (`namespace.X`) or CommonJS (`namespace.default.X`, Nest 11). */
export async function optionalClass<T>(specifier: string, exportName: string): Promise<T | undefined> {
  const namespace = await importOptional(specifier);
  const direct = namespace?.[exportName];
  if (typeof direct === 'function') return direct as T;
  const fromDefault = (namespace?.default as Record<string, unknown> | undefined)?.[exportName];
  return typeof fromDefault === 'function' ? (fromDefault as T) : undefined;
}
