/** The checked `SessionOptions` instance. */
export const SESSION_OPTIONS = Symbol('nestjs-jwt-session:options');

