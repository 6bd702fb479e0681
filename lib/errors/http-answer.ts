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
  /** `insufficient_user_authentication`: the acr values to authenticate with, space-separated (RFC 9470). */
  acr_values?: string;
  /** `insufficient_user_authentication`: the longest accepted time since authentication, in seconds (RFC 9470). */
  max_age?: number;
}

/** What every challenge of the app carries besides the error: `realm`, and `resource_metadata` (RFC 9728). */
export interface ChallengeParams {
  readonly realm?: string;
  /** URL of the protected resource metadata, named in every 401 challenge. */
  readonly resourceMetadata?: string;
}

export interface HttpAnswer {
  exception: HttpException;
  /** RFC 6750 challenge, when the status calls for one. */
  wwwAuthenticate?: string;
  /** RFC 9449 section 8: the nonce the client must put in its next DPoP proof. */
  dpopNonce?: string;
}


/** RFC 9470 section 3: the step-up parameters, named only when known. */
function stepUpParams(error: SessionError): string[] {
  const params = ['error="insufficient_user_authentication"', `error_description=${quote(error.message)}`];
  if (error.acrValues?.length) params.push(`acr_values=${quote(error.acrValues.join(' '))}`);
  if (error.maxAge !== undefined) params.push(`max_age=${quote(String(error.maxAge))}`);
  return params;
}

function errorParams(error: SessionError): string[] | undefined {
  if (error.reason === 'token_missing') return []; // Section 3.1: no error code when the request carried no credentials.
  if (error.reason === 'insufficient_user_authentication') return stepUpParams(error);
  if (error.status === 401) return ['error="invalid_token"', `error_description=${quote(error.message)}`];
  if (error.reason === 'missing_roles' || error.reason === 'missing_permissions') {
    return ['error="insufficient_scope"', `error_description=${quote(error.message)}`];
  }
  return undefined;
}

function challenge(error: SessionError, params: ChallengeParams): string | undefined {
  if (error.dpopChallenge) {
    const dpop = dpopChallengeHeader(error, error.dpopChallenge, params.realm);
    return params.resourceMetadata === undefined ? dpop : `${dpop}, resource_metadata=${quote(params.resourceMetadata)}`;
  }
  const own = errorParams(error);
  if (own === undefined) return undefined;
  const all = [...(params.realm !== undefined ? [`realm=${quote(params.realm)}`] : []), ...own];
  if (error.status === 401 && params.resourceMetadata !== undefined) all.push(`resource_metadata=${quote(params.resourceMetadata)}`);
  return all.length ? `Bearer ${all.join(', ')}` : 'Bearer';
}

/** The refusal body, as every transport sends it. */
export function refusalBody(error: SessionError): SessionErrorBody {
  const body: SessionErrorBody = {
    statusCode: error.status,
    error: STATUS_TEXT[error.status] ?? HttpStatus[error.status] ?? 'Error',
    message: error.message,
    reason: error.reason,
  };
  if (error.failedValidators) body.failedValidators = error.failedValidators;
  if (error.acrValues?.length) body.acr_values = error.acrValues.join(' ');
  if (error.maxAge !== undefined) body.max_age = error.maxAge;
  return body;
}

/**
 * Turns a refusal into Nest's own HTTP exception and its `WWW-Authenticate` value. `challenge` is
 * the realm (a string) or the app's challenge parameters.
 */
export function toHttpAnswer(error: SessionError, challengeParams?: string | ChallengeParams): HttpAnswer {
  const params = typeof challengeParams === 'string' ? { realm: challengeParams } : (challengeParams ?? {});
  const exception = new HttpException(refusalBody(error), error.status, { cause: error });
  const wwwAuthenticate = challenge(error, params);
  const dpopNonce = error.dpopChallenge?.nonce;
  return { exception, ...(wwwAuthenticate !== undefined && { wwwAuthenticate }), ...(dpopNonce !== undefined && { dpopNonce }) };
}
