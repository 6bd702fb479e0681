import type { HttpAnswer } from '../support/app.js';

export type DpopError = 'invalid_dpop_proof' | 'invalid_token' | 'use_dpop_nonce';

/** A refusal with its RFC 9449 challenge: `DPoP error="...", error_description="...", algs="..."`. */
export function expectDpopRefusal(answer: HttpAnswer, reason: string, error: DpopError, message?: RegExp): void {
  expect({ status: answer.status, reason: answer.body?.reason }).toEqual({ status: 401, reason });
  expect(answer.body).toEqual({ statusCode: 401, error: 'Unauthorized', message: expect.any(String), reason });
  if (message) expect(answer.body.message).toMatch(message);
  expect(answer.headers.get('www-authenticate')).toMatch(new RegExp(`^DPoP error="${error}", error_description="[^"\\\\]*", algs="[A-Za-z0-9 ]+"$`));
  expect(answer.headers.get('www-authenticate')).not.toMatch(/HS256|none/);
}
