import type { Session } from '../claims/session.interface.js';
import type { ClaimValidator } from './claim-validator.interface.js';

function ownClaim(session: Session, name: string): unknown {
  return Object.hasOwn(session.claims, name) ? session.claims[name] : undefined;
}

/** The user passed a second factor: `amr` includes `mfa`. A step-up validator (401 with the `stepUp.mfaAcr` acr value). */
export function mfa(): ClaimValidator {
  return { name: 'mfa', validate: (session) => session.authMethods.includes('mfa'), stepUp: Object.freeze({ mfa: true }) };
}

/** The token's `acr` equals one of `values`. A step-up validator: its failure asks for one of them (RFC 9470). */
export function acr(...values: string[]): ClaimValidator {
  if (values.length === 0 || !values.every((value) => typeof value === 'string' && value.length > 0)) {
    throw new TypeError('acr(...values) needs at least one non-empty string');
  }
  const accepted = Object.freeze([...values]);
  return {
    name: `acr(${accepted.join(',')})`,
    validate: (session) => {
      const actual = ownClaim(session, 'acr');
      return typeof actual === 'string' && accepted.includes(actual);
    },
    stepUp: Object.freeze({ acrValues: accepted }),
  };
}

/** The user authenticated with at least one of these methods (`amr`). */
export function authMethods(...methods: string[]): ClaimValidator {
  return {
    name: `authMethods(${methods.join(',')})`,
    validate: (session) => methods.some((method) => session.authMethods.includes(method)),
  };
}

/** The user authenticated at most `seconds` ago: `auth_time`, else `iat`. A step-up validator (401 with `max_age`). */
export function maxAuthAge(seconds: number): ClaimValidator {
  if (!Number.isFinite(seconds) || seconds < 0) throw new TypeError('maxAuthAge(seconds) needs a non-negative number');
  return {
    name: `maxAuthAge(${seconds})`,
    stepUp: Object.freeze({ maxAge: Math.floor(seconds) }),
    validate: (session) => {
      const authTime = ownClaim(session, 'auth_time');
      const at = typeof authTime === 'number' ? authTime : ownClaim(session, 'iat');
      return typeof at === 'number' && Number.isFinite(at) && Date.now() / 1000 - at <= seconds;
    },
  };
}

/** A top-level claim equals a value (strict equality: no coercion of `"1"` to `1`). */
export function claimEquals(claim: string, value: string | number | boolean): ClaimValidator {
  return { name: `claimEquals(${claim})`, validate: (session) => ownClaim(session, claim) === value };
}

/** A top-level array claim includes a value. */
export function claimIncludes(claim: string, value: string | number | boolean): ClaimValidator {
  return {
    name: `claimIncludes(${claim})`,
    validate: (session) => {
      const actual = ownClaim(session, claim);
      return Array.isArray(actual) && actual.includes(value);
    },
  };
}
