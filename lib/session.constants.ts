/** The checked `SessionOptions` instance. */
export const SESSION_OPTIONS = Symbol('nestjs-jwt-session:options');

/** The `KeyResolver` built from the configured key sources. */
export const KEY_RESOLVER = Symbol('nestjs-jwt-session:key-resolver');
