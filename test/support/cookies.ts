import type { HttpAnswer } from './app.js';

/** The cookies an answer sets, by name, their values percent-decoded (`''` for a cleared one). */
export function setCookieValues(answer: HttpAnswer): Map<string, string> {
  return new Map(
    answer.headers.getSetCookie().map((line) => {
      const pair = line.slice(0, line.indexOf(';'));
      const eq = pair.indexOf('=');
      return [pair.slice(0, eq), decodeURIComponent(pair.slice(eq + 1))] as const;
    }),
  );
}

/** A `Cookie` request header, as a browser sends these cookies. */
export function cookieHeader(pairs: Record<string, string>): { cookie: string } {
  return { cookie: Object.entries(pairs).map(([name, value]) => `${name}=${encodeURIComponent(value)}`).join('; ') };
}
