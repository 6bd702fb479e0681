import fc from 'fast-check';
import { CompactSign, errors, jwtVerify, type CompactJWSHeaderParameters, type JWTVerifyOptions } from 'jose';
import { SessionError, type SessionModuleOptions } from '../../../lib/index.js';
import { createKeyResolver } from '../../../lib/keys/key-resolver.factory.js';
import { SessionOptions } from '../../../lib/options/session-options.js';
import { IssuerVerifier } from '../../../lib/verification/issuer-verifier.js';
import { reasonForJoseError } from '../../../lib/verification/jose-error-reason.js';
import { ISSUER, makeKey, type TestKey } from '../../support/keys.js';

/**
 * The verifier checks the claims in one pass of its own (after jose's `compactVerify`) instead of
 * jose's `jwtVerify` followed by a second pass. Whatever the claims and options, it must refuse
 * everything `jwtVerify` refuses, with the same reason, and accept nothing jose would refuse.
 */
const now = Math.floor(Date.now() / 1000);
const INFINITY = '__infinity__';

/** Mostly `usual`, sometimes one of `odd`: most runs then reach the later checks. */
const mostly = <T>(usual: T, ...odd: T[]) => fc.oneof({ weight: 3, arbitrary: fc.constant(usual) }, { weight: 1, arbitrary: fc.constantFrom(...odd) });
/** Around the default clock tolerance (5 s) and a maxTokenAge of 60 s on both sides, far off, and not numbers. */
const dates = [now - 3600, now - 70, now - 62, now - 58, now - 6, now - 4, now + 4, now + 6, now + 3600, now + 10 ** 7, -5, '123', null, INFINITY, 1.5, undefined];
const claims = fc.record({
  iss: mostly<unknown>(ISSUER, 'https://other.example', 5, undefined),
  aud: mostly<unknown>('aud-1', ['x', 'aud-1'], ['x'], 7, [1], undefined),
  sub: mostly<unknown>('U1', '', 3, undefined),
  sid: fc.constantFrom('S1', undefined),
  exp: mostly<unknown>(now + 600, ...dates),
  nbf: fc.oneof(fc.constant(undefined), fc.constantFrom(...dates)),
  iat: fc.constantFrom(...dates),
});
/** Claim sets that are not JSON objects, or not UTF-8. */
const oddPayload = fc.constantFrom('[]', '"x"', 'null', '{', '1', '\xff');
const header = fc.record({ typ: mostly<unknown>('JWT', 'at+jwt', 'application/JWT', 5, undefined) });
const options = fc.record({
  audience: mostly<string | undefined>('aud-1', undefined),
  maxTokenAge: mostly<number | undefined>(60, 10 ** 6, undefined),
  tokenType: mostly<string | undefined>(undefined, 'JWT', 'application/at+jwt'),
  requiredClaims: mostly<string[] | undefined>(undefined, ['nbf'], ['sid']),
});

const withoutUndefined = (input: object) => Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined));

function payloadBytes(payload: object | string): Uint8Array {
  if (typeof payload === 'string') return Uint8Array.from(payload, (c) => c.charCodeAt(0));
  return new TextEncoder().encode(JSON.stringify(payload).replaceAll(`"${INFINITY}"`, '1e400'));
}

async function outcome(run: () => Promise<unknown>, reasonOf: (error: unknown) => string): Promise<{ reason: string; error?: unknown }> {
  try {
    await run();
    return { reason: 'accepted' };
  } catch (error) {
    return { reason: reasonOf(error), error };
  }
}

describe('the claims checked once, as jose checks them', () => {
  let key: TestKey;
  beforeAll(async () => {
    key = await makeKey('ES256', 'claims');
  });

  it('refuses what jwtVerify refuses, with the same reason and error, and adds only claim_invalid', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof({ weight: 5, arbitrary: claims }, { weight: 1, arbitrary: oddPayload }), header, options, async (payload, extraHeader, input) => {
        const moduleOptions: SessionModuleOptions = { issuer: ISSUER, jwks: { keys: [key.publicJwk] }, ...withoutUndefined(input) } as SessionModuleOptions;
        const sessionOptions = new SessionOptions(moduleOptions);
        const config = sessionOptions.issuerConfigs[0]!;
        const verifier = new IssuerVerifier(config, await createKeyResolver(config, sessionOptions.keyFetch), sessionOptions.verification);
        const token = await new CompactSign(payloadBytes(payload)).setProtectedHeader({ alg: 'ES256', kid: key.kid, ...extraHeader } as CompactJWSHeaderParameters).sign(key.privateKey);
        const joseOptions: JWTVerifyOptions = {
          algorithms: ['ES256'],
          issuer: [ISSUER],
          ...(input.audience && { audience: [input.audience] }),
          clockTolerance: sessionOptions.verification.clockTolerance,
          ...(input.maxTokenAge !== undefined && { maxTokenAge: input.maxTokenAge }),
          ...(input.tokenType !== undefined && { typ: input.tokenType }),
          requiredClaims: [...sessionOptions.verification.requiredClaims],
        };
        const jose = await outcome(() => jwtVerify(token, key.publicKey, joseOptions), reasonForJoseError);
        const ours = await outcome(
          () => verifier.verify(token),
          (error) => (error instanceof SessionError ? error.reason : `not a SessionError: ${String(error)}`),
        );
        if (jose.reason === 'accepted') {
          expect(['accepted', 'claim_invalid']).toContain(ours.reason);
          return;
        }
        expect(ours.reason).toBe(jose.reason);
        const cause = (ours.error as SessionError).cause;
        expect(cause).toBeInstanceOf((jose.error as Error).constructor);
        if (jose.error instanceof errors.JWTClaimValidationFailed || jose.error instanceof errors.JWTExpired) {
          const mine = cause as errors.JWTClaimValidationFailed;
          expect([mine.claim, mine.reason, mine.message]).toEqual([jose.error.claim, jose.error.reason, jose.error.message]);
          expect(mine.payload).toEqual(jose.error.payload);
        }
      }),
      { numRuns: 500 },
    );
  });
});
