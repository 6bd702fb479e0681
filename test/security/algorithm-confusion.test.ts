import { createPublicKey } from 'node:crypto';
import { makeKey, standardClaims, type TestKey } from '../support/keys.js';
import { forge, forgeHmac, segment, signInput } from './support/forge.js';
import { AUDIENCE, expectInvalid, expectInvalidAmong, startTarget, type Target } from './support/target-app.js';

/**
 * `alg: none` and HMAC keyed with the public key (the four advisories of one library came from
 * guessing a key's type from its text), against the two ways an app holds public keys: a JWK set
 * and a PEM.
 */
describe('algorithm confusion', () => {
  let rs: TestKey;
  let es: TestKey;
  let attackerRs: TestKey;
  let attackerEs: TestKey;
  let jwksApp: Target;
  let pemApp: Target;
  const claims = () => standardClaims({ aud: AUDIENCE, roles: ['admin'] });
  const apps = () => [jwksApp, pemApp];
  const keyMaterial = () => [rs.publicJwk.n!, es.publicJwk.x!];

  beforeAll(async () => {
    [rs, es, attackerRs, attackerEs] = await Promise.all([
      makeKey('RS256', 'rs-legit'),
      makeKey('ES256', 'es-legit'),
      makeKey('RS256', 'rs-legit'),
      makeKey('ES256', 'es-legit'),
    ]);
    jwksApp = await startTarget({ jwks: { keys: [rs.publicJwk, es.publicJwk] } });
    pemApp = await startTarget({ publicKey: [rs.publicPem, es.publicPem] });
  });
  afterAll(async () => {
    await jwksApp.close();
    await pemApp.close();
  });

  it('accepts the legitimate tokens the attacks imitate, in both apps', async () => {
    for (const app of apps()) {
      for (const key of [rs, es]) {
        const answer = await app.get('/admin', { token: await forge({ alg: key.alg, kid: key.kid, typ: 'JWT' }, claims(), key) });
        expect(answer.status).toBe(200);
      }
    }
  });

  describe.each(['none', 'None', 'NONE', 'nOnE'])('alg "%s"', (alg) => {
    it('is algorithm_not_allowed with no signature, a garbage one, or a real one', async () => {
      const body = `${segment({ alg, kid: rs.kid, typ: 'JWT' })}.${segment(claims())}`;
      const tokens = [`${body}.`, `${body}.${segment('signature')}`, `${body}.${await signInput(body, rs)}`, `${segment({ alg })}.${segment(claims())}.`];
      for (const app of apps()) for (const token of tokens) expectInvalid(await app.get('/admin', { token }), 'algorithm_not_allowed', token, keyMaterial());
    });
  });

  describe.each(['HS256', 'HS384', 'HS512'] as const)('%s keyed with the public key', (alg) => {
    const secrets = (): [string, string | Uint8Array][] => [
      ['the RSA PEM text', rs.publicPem],
      ['the RSA PEM text without its trailing newline', rs.publicPem.trimEnd()],
      ['the EC PEM text', es.publicPem],
      ['the RSA JWK as JSON text', JSON.stringify(rs.publicJwk)],
      ['the EC JWK as JSON text', JSON.stringify(es.publicJwk)],
      ['the raw RSA modulus', Buffer.from(rs.publicJwk.n!, 'base64url')],
      ['the RSA modulus as base64url text', rs.publicJwk.n!],
      ['the DER SubjectPublicKeyInfo', createPublicKey(rs.publicPem).export({ type: 'spki', format: 'der' })],
    ];

    it('is algorithm_not_allowed, whatever form of the key, with or without a kid', async () => {
      for (const [form, secret] of secrets()) {
        for (const header of [{ kid: rs.kid }, { kid: es.kid }, {}]) {
          const token = forgeHmac(alg, { ...header, typ: 'JWT' }, claims(), secret);
          for (const app of apps()) {
            const answer = await app.get('/admin', { token });
            expect({ form, header, status: answer.status, reason: answer.body.reason }).toEqual({ form, header, status: 401, reason: 'algorithm_not_allowed' });
            expectInvalid(answer, 'algorithm_not_allowed', token, keyMaterial());
          }
        }
      }
    });
  });

  it('a token signed by another key under a known kid is signature_invalid', async () => {
    for (const [legit, attacker] of [[rs, attackerRs], [es, attackerEs]] as const) {
      const token = await forge({ alg: legit.alg, kid: legit.kid }, claims(), attacker);
      for (const app of apps()) expectInvalid(await app.get('/admin', { token }), 'signature_invalid', token);
    }
  });

  it('a token signed by another key with no kid is signature_invalid (every candidate key tried, none fits)', async () => {
    for (const attacker of [attackerRs, attackerEs]) {
      const token = await forge({ alg: attacker.alg }, claims(), attacker);
      for (const app of apps()) expectInvalid(await app.get('/admin', { token }), 'signature_invalid', token);
    }
  });

  it('an EC algorithm under the RSA key id, signed with an EC key, is refused', async () => {
    const token = await forge({ alg: 'ES256', kid: rs.kid }, claims(), attackerEs);
    for (const app of apps()) expectInvalidAmong(await app.get('/admin', { token }), ['key_not_found', 'signature_invalid'], token);
  });

  it('ES384 or ES512 named over a P-256 key is refused (curve and algorithm must agree)', async () => {
    for (const alg of ['ES384', 'ES512']) {
      const body = `${segment({ alg, kid: es.kid })}.${segment(claims())}`;
      const token = `${body}.${await signInput(body, es)}`;
      for (const app of apps()) expectInvalidAmong(await app.get('/admin', { token }), ['key_not_found', 'signature_invalid'], token);
    }
  });

  it.each([
    ['a number', 256, 'token_malformed'],
    ['an array', ['RS256'], 'token_malformed'],
    ['null', null, 'token_malformed'],
    ['an object', { name: 'RS256' }, 'token_malformed'],
    ['lower case', 'rs256', 'algorithm_not_allowed'],
    ['with a trailing space', 'RS256 ', 'algorithm_not_allowed'],
    ['an unknown name', 'RS1', 'algorithm_not_allowed'],
  ])('alg as %s (%j) is %s, signed by the real key or not', async (_name, alg, reason) => {
    const body = `${segment({ alg, kid: rs.kid })}.${segment(claims())}`;
    const token = `${body}.${await signInput(body, rs)}`;
    for (const app of apps()) expectInvalid(await app.get('/admin', { token }), reason, token);
  });

  it('a header without alg is token_malformed', async () => {
    const body = `${segment({ kid: rs.kid, typ: 'JWT' })}.${segment(claims())}`;
    const token = `${body}.${await signInput(body, rs)}`;
    for (const app of apps()) expectInvalid(await app.get('/admin', { token }), 'token_malformed', token);
  });
});
