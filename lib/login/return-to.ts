import type { LoginConfig } from './login-options.js';
import { LoginError } from './login-error.js';

/**
 * A `returnTo` the app may redirect to: one of its own paths (`/orders?id=1`, never `//host` or
 * `/\host`, which browsers read as another host), or an absolute URL on `allowedReturnTo` (same
 * origin, and under its path when it has one). Anything else: 400 `return_to_not_allowed`.
 */
export function checkedReturnTo(config: Pick<LoginConfig, 'allowedReturnTo' | 'defaultReturnTo'>, value: unknown): string {
  if (value === undefined || value === '') return config.defaultReturnTo;
  if (typeof value !== 'string' || value.length > 2048 || /[\u0000-\u001F\u007F\\]/.test(value)) throw notAllowed();
  if (value.startsWith('/') && !value.startsWith('//')) return value;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw notAllowed();
  }
  const allowed = config.allowedReturnTo.some(
    (entry) => entry.origin === url.origin && (entry.pathname === '/' || url.pathname === entry.pathname || url.pathname.startsWith(entry.pathname.endsWith('/') ? entry.pathname : `${entry.pathname}/`)),
  );
  if (!allowed || url.username || url.password) throw notAllowed();
  return url.href;
}

function notAllowed(): LoginError {
  return new LoginError('return_to_not_allowed', 'returnTo must be a path of this app or a URL on login.allowedReturnTo');
}
