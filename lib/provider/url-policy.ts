import { SessionConfigError } from '../errors/session-config.error.js';

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

export function isLoopback(url: URL): boolean {
  return LOOPBACK_HOSTS.has(url.hostname) || url.hostname.startsWith('127.');
}

/** A provider URL: `https:`, or `http:` on loopback or when insecure HTTP is explicitly allowed. */
export function providerUrl(option: string, value: string, allowInsecureHttp: boolean): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new SessionConfigError(option, `must be an absolute URL, got "${value}"`);
  }
  if (url.protocol === 'https:') return url;
  if (url.protocol === 'http:' && (allowInsecureHttp || isLoopback(url))) return url;
  throw new SessionConfigError(option, `must be an https: URL (http: only on loopback or with allowInsecureHttp), got "${value}"`);
}
