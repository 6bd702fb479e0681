import type { RequestCredentials, TokenExtractor } from './token-extractor.interface.js';

/** Asks each extractor in order; the first that finds a token decides. */
export function firstToken(extractors: readonly TokenExtractor[], request: RequestCredentials): string | undefined {
  for (const extract of extractors) {
    const token = extract(request);
    if (token !== undefined) return token;
  }
  return undefined;
}
