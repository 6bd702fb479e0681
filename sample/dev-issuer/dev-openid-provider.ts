import { createHash, randomBytes } from 'node:crypto';
import type { DevTokenRequest } from './dev-token-request.js';
import { parseDevTokenRequest } from './dev-token-request.js';

/** A started authorization, until its code is exchanged (once, within a minute). */
interface PendingCode {
  readonly request: DevTokenRequest;
  readonly redirectUri: string;
  readonly codeChallenge: string;
  readonly nonce?: string;
  readonly expiresAt: number;
}

/** What the dev issuer signs and stores for the OpenID Provider routes. */
export interface DevOpenIdIssuer {
  readonly clientId: string;
  /** A login's session token, ID token and refresh token. */
  codeTokens(request: DevTokenRequest, nonce: string | undefined, issuer: string): Promise<Record<string, unknown>>;
}

/** An HTTP answer of the dev provider. */
export interface DevAnswer {
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly body?: unknown;
  readonly html?: string;
}

const CODE_LIFETIME_MS = 60_000;

function html(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Loopback redirect URIs only: the dev provider logs in whoever asks, so it only ever sends codes back to this machine. */
function loopbackUrl(value: string | null): URL | undefined {
  if (!value) return undefined;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname) ? url : undefined;
  } catch {
    return undefined;
  }
}

/**
 * DEV ONLY. The dev issuer as an OpenID Provider for the code flow: discovery, an authorization
 * endpoint with a sign-in form (any user id, no password), the authorization_code grant with
 * PKCE (S256 only) and the end-session endpoint. Redirect URIs must be on loopback.
 */
export class DevOpenIdProvider {
  private readonly codes = new Map<string, PendingCode>();

  constructor(
    private readonly issuer: DevOpenIdIssuer,
    private readonly origin: () => string,
  ) {}

  discovery(): DevAnswer {
    const origin = this.origin();
    return {
      status: 200,
      body: {
        issuer: origin,
        authorization_endpoint: `${origin}/oauth/authorize`,
        token_endpoint: `${origin}/oauth/token`,
        revocation_endpoint: `${origin}/oauth/revoke`,
        end_session_endpoint: `${origin}/oauth/logout`,
        jwks_uri: `${origin}/oauth/jwks`,
        response_types_supported: ['code'],
        grant_types_supported: ['authorization_code', 'refresh_token'],
        code_challenge_methods_supported: ['S256'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['ES256'],
        token_endpoint_auth_methods_supported: ['none'],
        scopes_supported: ['openid', 'offline_access'],
        authorization_response_iss_parameter_supported: true,
      },
    };
  }

  /** `GET /oauth/authorize`: the sign-in form, carrying the request's parameters. */
  authorize(query: URLSearchParams): DevAnswer {
    const problem = this.checkRequest(query);
    if (problem) return { status: 400, html: `<p>${html(problem)}</p>` };
    const hidden = ['client_id', 'redirect_uri', 'state', 'nonce', 'code_challenge']
      .map((name) => `<input type="hidden" name="${name}" value="${html(query.get(name) ?? '')}">`)
      .join('');
    return {
      status: 200,
      html: `<!doctype html><title>Dev sign-in</title><h1>Sample dev issuer (DEV ONLY)</h1>
<form method="post" action="/oauth/authorize">${hidden}
<label>User id <input name="sub" value="U-dev-user" required></label>
<label>Roles <input name="roles" placeholder="admin, viewer"></label>
<button type="submit">Sign in</button></form>`,
    };
  }

  /** `POST /oauth/authorize`: the form's answer; redirects back with a code. */
  approve(form: URLSearchParams): DevAnswer {
    const problem = this.checkRequest(form);
    if (problem) return { status: 400, html: `<p>${html(problem)}</p>` };
    const roles = (form.get('roles') ?? '').split(',').map((role) => role.trim()).filter(Boolean);
    let request: DevTokenRequest;
    try {
      request = parseDevTokenRequest({ sub: form.get('sub') ?? undefined, roles, ttl: 300 });
    } catch (error) {
      return { status: 400, html: `<p>${html(error instanceof Error ? error.message : 'Invalid sign-in')}</p>` };
    }
    const code = randomBytes(32).toString('base64url');
    const nonce = form.get('nonce') || undefined;
    this.codes.set(code, {
      request,
      redirectUri: form.get('redirect_uri')!,
      codeChallenge: form.get('code_challenge')!,
      ...(nonce !== undefined && { nonce }),
      expiresAt: Date.now() + CODE_LIFETIME_MS,
    });
    const back = new URL(form.get('redirect_uri')!);
    back.searchParams.set('code', code);
    if (form.get('state')) back.searchParams.set('state', form.get('state')!);
    back.searchParams.set('iss', this.origin());
    return { status: 303, headers: { location: back.href } };
  }

  /** The authorization_code grant: the code once, its redirect URI, and the PKCE verifier. */
  async exchange(form: URLSearchParams): Promise<DevAnswer> {
    const code = form.get('code') ?? '';
    const pending = this.codes.get(code);
    this.codes.delete(code);
    const verifier = form.get('code_verifier') ?? '';
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    if (!pending || pending.expiresAt < Date.now() || pending.redirectUri !== form.get('redirect_uri') || challenge !== pending.codeChallenge) {
      return { status: 400, body: { error: 'invalid_grant' } };
    }
    return { status: 200, body: await this.issuer.codeTokens(pending.request, pending.nonce, this.origin()) };
  }

  /** RP-initiated logout: back to the app's post-logout URI (loopback only). */
  endSession(query: URLSearchParams): DevAnswer {
    const back = loopbackUrl(query.get('post_logout_redirect_uri'));
    if (back) return { status: 303, headers: { location: back.href } };
    return { status: 200, html: '<p>Signed out of the dev issuer.</p>' };
  }

  private checkRequest(params: URLSearchParams): string | undefined {
    if (params.get('client_id') !== this.issuer.clientId) return 'Unknown client_id';
    if (!loopbackUrl(params.get('redirect_uri'))) return 'redirect_uri must be an http://localhost or 127.0.0.1 URL';
    if (!/^[A-Za-z0-9_-]{43}$/.test(params.get('code_challenge') ?? '')) return 'PKCE is required (code_challenge, S256)';
    if (params.has('code_challenge_method') && params.get('code_challenge_method') !== 'S256') return 'Only code_challenge_method=S256';
    return undefined;
  }
}
