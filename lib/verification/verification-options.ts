import { nonEmptyString, nonEmptyStrings, nonNegative, numberOption, positiveInteger } from '../config/option-readers.js';

/** How tokens are verified, as an application writes it (part of `SessionModuleOptions`). */
export interface VerificationOptions {
  /** Seconds of clock skew allowed on `exp`, `nbf` and `iat`. Default 5. */
  clockTolerance?: number;
  /** Seconds after `iat` when a token stops being accepted, whatever its `exp`. */
  maxTokenAge?: number;
  /**
   * Longest lifetime (`exp - iat`) accepted, in seconds: a token issued to live longer is refused
   * (`claim_invalid`), and so is one without `iat`. Unset by default (not checked).
   */
  maxTokenLifetime?: number;
  /** Expected `typ` header, e.g. `at+jwt`. */
  tokenType?: string;
  /** Claims that must be present besides `exp` and `sub`. */
  requiredClaims?: string[];
  /** Longest token accepted, in characters, checked before any parsing. Default 8192. */
  maxTokenLength?: number;
}

export const VERIFICATION_OPTION_KEYS: readonly (keyof VerificationOptions)[] = Object.freeze([
  'clockTolerance', 'maxTokenAge', 'maxTokenLifetime', 'tokenType', 'requiredClaims', 'maxTokenLength',
]);

export interface VerificationConfig {
  readonly clockTolerance: number;
  readonly maxTokenAge?: number;
  readonly maxTokenLifetime?: number;
  readonly tokenType?: string;
  /** Always includes `exp` and `sub`. */
  readonly requiredClaims: readonly string[];
  readonly maxTokenLength: number;
}

const positive = (n: number): boolean => n > 0;

export function readVerificationOptions(input: VerificationOptions): VerificationConfig {
  const required = input.requiredClaims === undefined ? [] : nonEmptyStrings('requiredClaims', input.requiredClaims);
  return Object.freeze({
    clockTolerance: numberOption('clockTolerance', input.clockTolerance, 5, nonNegative, 'a number of seconds >= 0'),
    ...(input.maxTokenAge !== undefined && { maxTokenAge: numberOption('maxTokenAge', input.maxTokenAge, 0, positive, 'a number of seconds > 0') }),
    ...(input.maxTokenLifetime !== undefined && {
      maxTokenLifetime: numberOption('maxTokenLifetime', input.maxTokenLifetime, 0, positive, 'a number of seconds > 0'),
    }),
    ...(input.tokenType !== undefined && { tokenType: nonEmptyString('tokenType', input.tokenType) }),
    requiredClaims: Object.freeze([...new Set(['exp', 'sub', ...required])]),
    maxTokenLength: numberOption('maxTokenLength', input.maxTokenLength, 8192, positiveInteger, 'a positive integer'),
  });
}
