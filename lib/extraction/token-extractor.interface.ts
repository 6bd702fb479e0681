/** The parts of an incoming request the token extractors read, whatever the transport. */
export interface RequestCredentials {
  /** A header by lower-case name. */
  header(name: string): string | undefined;
  /** The raw `Cookie` header, parsed lazily by the cookie extractor. */
  readonly cookieHeader: string | undefined;
  /** The framework's request object, for custom extractors. */
  readonly raw: unknown;
}

/**
 * Finds the session token in a request. `undefined` means "not here" (try the next place);
 * a `SessionError` means the place held something unusable (stop, refuse).
 */
export type TokenExtractor = (request: RequestCredentials) => string | undefined;
