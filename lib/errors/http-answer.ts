import { HttpException, HttpStatus } from '@nestjs/common';
import { dpopChallengeHeader } from '../dpop/dpop-challenge.js';
import { quote } from './quoted-string.js';
import type { SessionError } from './session-error.js';

const STATUS_TEXT: Readonly<Record<number, string>> = {
  401: 'Unauthorized',
  403: 'Forbidden',
  503: 'Service Unavailable',
};

/** The JSON body of every refusal: no stack, no key, no token. */
export interface SessionErrorBody {
  statusCode: number;
  error: string;
  message: string;
  reason: string;
  failedValidators?: readonly string[];
}

export interface HttpAnswer {
  exception: HttpException;
  /** RFC 6750 challenge, when the status calls for one. */
  wwwAuthenticate?: string;
  /** RFC 9449 section 8: the nonce the client must put in its next DPoP proof. */
  dpopNonce?: string;
}


function challenge(error: SessionError, realm: string | undefined): string | undefined {
  if (error.dpopChallenge) return dpopChallengeHeader(error, error.dpopChallenge, realm);
  const params: string[] = [];
  if (realm !== undefined) params.push(`realm=${quote(realm)}`);
  if (error.reason === 'token_missing') {
    // Section 3.1: no error code when the request carried no credentials.
  } else if (error.status === 401) {
    params.push('error="invalid_token"', `error_description=${quote(error.message)}`);
  } else if (error.reason === 'missing_roles' || error.reason === 'missing_permissions') {
    params.push('error="insufficient_scope"', `error_description=${quote(error.message)}`);
  } else {
    return undefined;
  }
  return params.length ? `Bearer ${params.join(', ')}` : 'Bearer';
}

/** Turns a refusal into Nest's own HTTP exception and its `WWW-Authenticate` value. */
export function toHttpAnswer(error: SessionError, realm?: string): HttpAnswer {
  const body: SessionErrorBody = {
    statusCode: error.status,
    error: STATUS_TEXT[error.status] ?? HttpStatus[error.status] ?? 'Error',
    message: error.message,
    reason: error.reason,
  };
  if (error.failedValidators) body.failedValidators = error.failedValidators;
  const exception = new HttpException(body, error.status, { cause: error });
  const wwwAuthenticate = challenge(error, realm);
  const dpopNonce = error.dpopChallenge?.nonce;
  return { exception, ...(wwwAuthenticate !== undefined && { wwwAuthenticate }), ...(dpopNonce !== undefined && { dpopNonce }) };
}
