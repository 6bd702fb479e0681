import { randomUUID } from 'node:crypto';
import { SignJWT, type JWTPayload } from 'jose';
import { ISSUER, type TestKey } from './keys.js';
import type { HttpAnswer } from './app.js';
import { call } from './app.js';

export const BCL_EVENT = 'http://schemas.openid.net/event/backchannel-logout';
export const SESSION_REVOKED = 'https://schemas.openid.net/secevent/caep/event-type/session-revoked';
export const RISC = 'https://schemas.openid.net/secevent/risc/event-type/';

export interface PushedTokenOptions {
  key: TestKey;
  /** Header members added or replaced (`typ: undefined` drops it). */
  header?: Record<string, unknown>;
  /** Claims left out of the defaults. */
  omit?: string[];
}

async function sign(defaults: JWTPayload, claims: JWTPayload, typ: string, { key, header = {}, omit = [] }: PushedTokenOptions): Promise<string> {
  const payload: JWTPayload = { ...defaults, ...claims };
  for (const name of omit) delete payload[name];
  const protectedHeader = { alg: key.alg, kid: key.kid, typ, ...header };
  for (const [name, value] of Object.entries(protectedHeader)) if (value === undefined) delete (protectedHeader as Record<string, unknown>)[name];
  return new SignJWT(payload).setProtectedHeader(protectedHeader as { alg: string }).sign(key.privateKey);
}

/** A logout token as OpenID Connect Back-Channel Logout 1.0 section 2.4 describes it. */
export function signLogoutToken(claims: JWTPayload, audience: string, options: PushedTokenOptions): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const defaults = { iss: ISSUER, aud: audience, iat: now, exp: now + 120, jti: randomUUID(), events: { [BCL_EVENT]: {} } };
  return sign(defaults, claims, 'logout+jwt', options);
}

/** A Security Event Token (RFC 8417) as an SSF transmitter pushes it. */
export function signSecurityEvent(claims: JWTPayload, audience: string, options: PushedTokenOptions): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return sign({ iss: ISSUER, aud: audience, iat: now, jti: randomUUID() }, claims, 'secevent+jwt', options);
}

/** POSTs a logout token as a provider does: form-encoded `logout_token`. */
export function postLogoutToken(url: string, token: string | undefined, init: { body?: string; contentType?: string } = {}): Promise<HttpAnswer> {
  const body = init.body ?? new URLSearchParams(token === undefined ? {} : { logout_token: token }).toString();
  return call(url, { method: 'POST', headers: { 'content-type': init.contentType ?? 'application/x-www-form-urlencoded' }, body });
}

/** POSTs a SET as an RFC 8935 transmitter does. */
export function postSecurityEvent(url: string, token: string, headers: Record<string, string> = {}): Promise<HttpAnswer> {
  return call(url, { method: 'POST', headers: { 'content-type': 'application/secevent+jwt', accept: 'application/json', ...headers }, body: token });
}
