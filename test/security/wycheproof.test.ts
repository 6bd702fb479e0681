import { readFileSync } from 'node:fs';
import type { JSONWebKeySet, JWK } from 'jose';
import { ASYMMETRIC_ALGORITHMS, HMAC_ALGORITHMS, SessionConfigError, SessionError, type SessionModuleOptions } from '../../lib/index.js';
import { SessionOptions } from '../../lib/options/session-options.js';
import { createKeyResolver } from '../../lib/keys/key-resolver.factory.js';
import { IssuerVerifier } from '../../lib/verification/issuer-verifier.js';
import { TokenVerifier } from '../../lib/verification/token-verifier.js';
import { CapturingLogger } from '../support/log-capture.js';

/**
 * Project Wycheproof's JWS and JWK vectors (test/vectors/wycheproof, Apache 2.0) run through the
 * guard's own path minus the claims step: length and shape gate, key selection (KeyResolver from
 * the module's options), allow-list, candidate keys and signature (TokenVerifier.verifySignature).
 *
 * How each group's key goes in:
 * - a single HMAC key (`kty: "oct"` with an HS* `alg`, or none): as `secret`, the only way this
 *   module verifies HMAC, with `algorithms` narrowed to the key's `alg` as a user would configure it;
 * - anything else: as the `jwks` option, the set as given (the public part when the vector has one).
 */

interface Vector {
  tcId: number;
  comment: string;
  jws: string | object;
  result: 'valid' | 'invalid';
  flags: string[];
}
interface VectorGroup {
  comment: string;
  public?: JWK | JSONWebKeySet;
  private?: JWK | JSONWebKeySet;
  tests: Vector[];
}

const ISSUER = 'https://wycheproof.example';

/**
 * Valid cases the module refuses on purpose, by file and tcId, with the reason. The test checks
 * each is refused, so the list cannot go stale.
 */
const STRICTER: Record<string, Record<number, string>> = {
  json_web_signature_test: {
    346: 'the key is published for PS256 (`alg` in the JWK) and the token says PS384: a key is used only for its own algorithm',
    350: 'the key is published for PS256 (`alg` in the JWK) and the token says PS384: a key is used only for its own algorithm',
    347: 'the key names `alg: "ES521"`, not a JWS algorithm: the key is skipped, so no key is left (refused at start-up)',
    351: 'the key names `alg: "ES521"`, not a JWS algorithm: the key is skipped, so no key is left (refused at start-up)',
    ...Object.fromEntries(
      [259, 264, 268, 272, 320, 325].map((tcId) => [tcId, 'an empty payload: a valid JWS, but never a session token (whose payload is a JSON object), so the shape gate refuses it before any key is looked up']),
    ),
    372: 'a "?" inside the header segment: lenient base64 decoders skip it, the module refuses any character outside base64url before parsing',
    373: 'a "?" inside the payload segment: lenient base64 decoders skip it, the module refuses any character outside base64url before parsing',
  },
  json_web_key_test: {
    2: 'HMAC keys in a JSON Web Key Set are never trusted (a published `oct` key is a leaked secret); HMAC is verified only with the `secret` option',
  },
};

/**
 * Invalid cases whose token is byte for byte the token of a valid case in the same group (an
 * upstream slip: the padding they are named after is missing). No verifier can refuse one and
 * accept the other; the test checks they are identical and that the variant they were meant to
 * be (the segment with `=` padding) is refused.
 */
const SAME_AS_VALID: Record<string, Record<number, number>> = {
  json_web_signature_test: { 367: 357, 370: 357 },
  json_web_key_test: {},
};

/**
 * Invalid cases the module accepts today: defects, reported to the owner of the code named.
 * Each runs as `it.failing`, so the suite turns red, as it should, once the defect is fixed.
 */
const KNOWN_DEFECTS: Record<string, Record<number, string>> = {
  json_web_signature_test: {},
  json_web_key_test: {},
};

function load(file: string): VectorGroup[] {
  const text = readFileSync(new URL(`../vectors/wycheproof/${file}.json`, import.meta.url), 'utf8');
  return (JSON.parse(text) as { testGroups: VectorGroup[] }).testGroups;
}

function keySet(keys: JWK | JSONWebKeySet): JSONWebKeySet {
  return 'keys' in keys ? (keys as JSONWebKeySet) : { keys: [keys as JWK] };
}

/** The module options a user would write for this group's key. */
function optionsFor(group: VectorGroup): SessionModuleOptions {
  const set = keySet(group.public ?? group.private!);
  const only = set.keys.length === 1 ? set.keys[0]! : undefined;
  if (only?.kty === 'oct' && (only.alg === undefined || only.alg.startsWith('HS'))) {
    return { issuer: ISSUER, secret: Buffer.from(only.k ?? '', 'base64url'), ...(only.alg && { algorithms: [only.alg] }) };
  }
  return { issuer: ISSUER, jwks: set };
}

type Outcome = { accepted: true; payload: string } | { accepted: false; refusal: string };

/** The verifier the module would build from these options; a configuration it refuses is a refusal. */
async function verifierFor(input: SessionModuleOptions): Promise<TokenVerifier | Outcome> {
  try {
    const options = new SessionOptions(input);
    const config = options.issuerConfigs[0]!;
    const resolver = await createKeyResolver(config, options.keyFetch, undefined, new CapturingLogger());
    return new TokenVerifier(options.verification, [new IssuerVerifier(config, resolver, options.verification)]);
  } catch (error) {
    if (error instanceof SessionConfigError) return { accepted: false, refusal: `refused at start-up (${error.message})` };
    throw error;
  }
}

async function outcome(verifier: TokenVerifier | Outcome, jws: string | object): Promise<Outcome> {
  if (!(verifier instanceof TokenVerifier)) return verifier;
  // A JSON-serialized JWS reaches the guard as text, like anything else in a header.
  const token = typeof jws === 'string' ? jws : JSON.stringify(jws);
  try {
    const { payload } = await verifier.verifySignature(token);
    return { accepted: true, payload: Buffer.from(payload).toString('base64url') };
  } catch (error) {
    if (error instanceof SessionError) return { accepted: false, refusal: error.reason };
    throw error;
  }
}

/** The algorithm a valid case uses, from its header (valid cases always have a decodable one). */
function algorithmOf(jws: string | object): string {
  const header = typeof jws === 'string' ? jws.split('.')[0]! : '';
  return (JSON.parse(Buffer.from(header, 'base64url').toString()) as { alg: string }).alg;
}

/** The allow-list the options give: as configured, else the module's default for the key source. */
function allowedAlgorithms(options: SessionModuleOptions): readonly string[] {
  return options.algorithms ?? (options.secret ? HMAC_ALGORITHMS : ASYMMETRIC_ALGORITHMS);
}

describe.each(['json_web_signature_test', 'json_web_key_test'])('Wycheproof %s', (file) => {
  const groups = load(file);
  const stricter = STRICTER[file]!;
  const verifiers = new Map<VectorGroup, Promise<TokenVerifier | Outcome>>();
  const verifierOf = (group: VectorGroup) => {
    if (!verifiers.has(group)) verifiers.set(group, verifierFor(optionsFor(group)));
    return verifiers.get(group)!;
  };
  const cases = groups.flatMap((group) => group.tests.map((vector) => ({ group, vector })));

  it('holds the cases it is expected to hold', () => {
    expect(cases.length).toBe(file === 'json_web_signature_test' ? 401 : 26);
    expect(new Set(cases.map(({ vector }) => vector.tcId)).size).toBe(cases.length);
  });

  const sameAsValid = SAME_AS_VALID[file]!;
  const defects = KNOWN_DEFECTS[file]!;
  const invalid = cases.filter(({ vector }) => vector.result === 'invalid');
  const refusable = invalid.filter(({ vector }) => sameAsValid[vector.tcId] === undefined && defects[vector.tcId] === undefined);

  it.each(refusable.map((c) => [c.vector.tcId, c.vector.comment, c]))(
    'tcId %i (%s, invalid) is refused',
    async (_tcId, _comment, { group, vector }) => {
      const result = await outcome(await verifierOf(group), vector.jws);
      expect(result.accepted).toBe(false);
    },
  );

  const twins = invalid.filter(({ vector }) => sameAsValid[vector.tcId] !== undefined);
  if (twins.length) {
    it.each(twins.map((c) => [c.vector.tcId, c.vector.comment, c]))(
      'tcId %i (%s, invalid) is the token of a valid case; the padded variant it names is refused',
      async (tcId, _comment, { group, vector }) => {
        const twin = group.tests.find((other) => other.tcId === sameAsValid[tcId]);
        expect(twin).toMatchObject({ result: 'valid', jws: vector.jws });
        const [header, payload, signature] = (vector.jws as string).split('.');
        const padded = vector.comment.includes('Payload') ? `${header}.${payload}==.${signature}` : `${header}.${payload}.${signature}=`;
        expect(await outcome(await verifierOf(group), padded)).toMatchObject({ accepted: false, refusal: 'token_malformed' });
      },
    );
  }

  const knownDefects = invalid.filter(({ vector }) => defects[vector.tcId] !== undefined);
  if (knownDefects.length) {
    it.failing.each(knownDefects.map((c) => [c.vector.tcId, defects[c.vector.tcId]!, c]))(
      'KNOWN DEFECT tcId %i: %s',
      async (_tcId, _why, { group, vector }) => {
        expect((await outcome(await verifierOf(group), vector.jws)).accepted).toBe(false);
      },
    );
  }

  it.each(cases.filter(({ vector }) => vector.result === 'valid').map((c) => [c.vector.tcId, c.vector.comment, c]))(
    'tcId %i (%s, valid) is accepted when its algorithm is allowed, or refused for the reason listed',
    async (tcId, _comment, { group, vector }) => {
      const result = await outcome(await verifierOf(group), vector.jws);
      const allowed = allowedAlgorithms(optionsFor(group)).includes(algorithmOf(vector.jws));
      if (stricter[tcId] !== undefined || !allowed) {
        expect({ tcId, accepted: result.accepted }).toEqual({ tcId, accepted: false });
        return;
      }
      expect(result).toEqual({ accepted: true, payload: (vector.jws as string).split('.')[1] });
    },
  );

  it('lists as stricter only valid cases', () => {
    const valid = new Set(cases.filter(({ vector }) => vector.result === 'valid').map(({ vector }) => vector.tcId));
    for (const tcId of Object.keys(stricter).map(Number)) expect({ tcId, valid: valid.has(tcId) }).toEqual({ tcId, valid: true });
  });
});
