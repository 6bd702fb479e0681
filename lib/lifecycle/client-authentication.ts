/** How the module authenticates to the provider's token and revocation endpoints (RFC 6749 section 2.3). */
export type ClientAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'none';

export const CLIENT_AUTH_METHODS: readonly ClientAuthMethod[] = Object.freeze(['client_secret_basic', 'client_secret_post', 'none']);

export interface ClientCredentials {
  readonly method: ClientAuthMethod;
  readonly clientId?: string;
  readonly clientSecret?: string;
}

/** RFC 6749 section 2.3.1: id and secret are form-urlencoded before they are joined for Basic. */
function formEncode(value: string): string {
  return new URLSearchParams({ v: value }).toString().slice(2);
}

/**
 * Adds the client's authentication to a token or revocation request: the `Authorization: Basic`
 * header (`client_secret_basic`), `client_id` and `client_secret` in the body
 * (`client_secret_post`), or `client_id` alone for a public client (`none`).
 */
export function authenticateClient(client: ClientCredentials, body: URLSearchParams, headers: Headers): void {
  if (client.method === 'client_secret_basic') {
    const pair = `${formEncode(client.clientId ?? '')}:${formEncode(client.clientSecret ?? '')}`;
    headers.set('authorization', `Basic ${Buffer.from(pair).toString('base64')}`);
    return;
  }
  if (client.clientId !== undefined) body.set('client_id', client.clientId);
  if (client.method === 'client_secret_post' && client.clientSecret !== undefined) body.set('client_secret', client.clientSecret);
}
