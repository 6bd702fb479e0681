import { createPublicKey, createHmac } from 'node:crypto';
import type { JWK } from 'jose';
import { bearerTokenExtractor } from '../../lib/extraction/bearer-token.extractor.js';
import { cookieTokenExtractor } from '../../lib/extraction/cookie-token.extractor.js';
import { firstToken } from '../../lib/extraction/token-locator.js';
import { makeKey } from '../support/keys.js';
import { forge, segment } from '../security/support/forge.js';
import type { Prng } from './prng.js';

const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const NOISE = `${B64URL}.=+/ %";,\t\\{}[]:'<>!~*`;
const MEMBER_NAMES = ['alg', 'kid', 'typ', 'cty', 'crit', 'b64', 'jku', 'x5u', 'x5c', 'jwk', 'enc', 'zip', 'iss', 'sub', 'aud', 'exp', 'nbf', 'iat', 'jti', 'sid',
  'roles', 'permissions', 'tenants', 'dct', 'amr', '__proto__', 'constructor', 'prototype', 'toString', 'admin', 'suspended', ''];
const ALGS = ['none', 'None', 'NONE', 'nOnE', 'HS256', 'HS384', 'HS512', 'RS256', 'PS256', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519', 'RSA-OAEP', 'dir', 'es256', 'ES256 ', ''];

/** What the generator starts from: the app's own valid tokens and public key, and attacker tokens signed once. */
export interface FuzzMaterial {
  /** Valid tokens of the app's issuer; sent unmodified they are the controls. */
  readonly controls: readonly string[];
  /** The issuer's public key, which attackers use as an HMAC secret. */
  readonly issuerJwk: JWK;
  /** Tokens signed by attacker keys with hostile headers and claims (signing per request would dominate the run). */
  readonly forged: readonly string[];
}

export interface FuzzRequest {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body?: string;
  /** The request carries an unmodified control token where the guard reads it: acceptance is expected. */
  readonly control: boolean;
  readonly kind: string;
}

/** Signs the attacker tokens of the material: hostile headers and claims, valid signatures from the wrong keys. */
export async function forgeTokens(controls: readonly string[], issuerKid: string): Promise<string[]> {
  const [es, rs] = await Promise.all([makeKey('ES256', issuerKid), makeKey('RS256', 'attacker-rs')]);
  const payloads = controls.map((token) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>);
  const now = Math.floor(Date.now() / 1000);
  const claimVariants: Array<(p: Record<string, unknown>) => object | string> = [
    (p) => p,
    (p) => ({ ...p, roles: ['admin'], tenants: { t1: { roles: ['admin'], permissions: ['projects:create'] } } }),
    (p) => ({ ...p, iss: 'https://evil.example' }),
    (p) => ({ ...p, exp: String(now + 3600) }),
    (p) => `${JSON.stringify(p).slice(0, -1)},"exp":1e400}`,
    (p) => ({ ...p, sub: 42 }),
    (p) => `${JSON.stringify(p).slice(0, -1)},"__proto__":{"roles":["admin"]},"roles":["admin"],"roles":[]}`,
  ];
  const headerVariants: object[] = [
    { alg: 'ES256', kid: issuerKid, typ: 'JWT' },
    { alg: 'ES256' },
    { alg: 'ES256', kid: issuerKid, jwk: es.publicJwk },
    { alg: 'ES256', kid: 'attacker', jku: 'http://127.0.0.1:1/jwks.json' },
    { alg: 'ES256', kid: issuerKid, x5u: 'http://127.0.0.1:1/cert.pem' },
    { alg: 'ES256', kid: issuerKid, crit: ['urn:x'], 'urn:x': 1 },
    { alg: 'ES256', kid: issuerKid, b64: false, crit: ['b64'] },
    { alg: 'ES256', kid: '../../../../etc/passwd' },
    { alg: 'ES256', kid: 7 },
    { alg: 'ES256', kid: { $ne: null } },
    { alg: 'ES256', kid: issuerKid, cty: 'JWT' },
  ];
  const tokens: string[] = [];
  for (const header of headerVariants) {
    for (const variant of claimVariants) {
      for (const payload of payloads.slice(0, 2)) tokens.push(await forge(header, variant(payload), es));
    }
  }
  for (const variant of claimVariants) tokens.push(await forge({ alg: 'RS256', kid: issuerKid }, variant(payloads[0]!), rs));
  return tokens;
}

/** Turns the material into an endless, seeded stream of hostile requests (and a few controls). */
export class HostileRequests {
  private readonly controlSet: ReadonlySet<string>;
  private readonly hmacSecrets: ReadonlyArray<string | Buffer>;
  private readonly kinds: ReadonlyArray<readonly [string, number, () => string]>;
  private readonly extractors = [bearerTokenExtractor, cookieTokenExtractor('DS')];

  constructor(
    private readonly rng: Prng,
    private readonly material: FuzzMaterial,
  ) {
    this.controlSet = new Set(material.controls);
    const pem = createPublicKey({ key: material.issuerJwk as never, format: 'jwk' }).export({ type: 'spki', format: 'pem' }) as string;
    const der = createPublicKey({ key: material.issuerJwk as never, format: 'jwk' }).export({ type: 'spki', format: 'der' });
    const x = Buffer.from(material.issuerJwk.x ?? '', 'base64url');
    const y = Buffer.from(material.issuerJwk.y ?? '', 'base64url');
    this.hmacSecrets = [pem, pem.trimEnd(), JSON.stringify(material.issuerJwk), der, Buffer.concat([Buffer.from([4]), x, y]), x, material.issuerJwk.x ?? ''];
    this.kinds = [
      ['mutated', 40, () => this.mutated(this.rng.pick(material.controls))],
      ['alg-confusion', 10, () => this.algConfusion()],
      ['forged', 12, () => (this.rng.chance(0.5) ? this.rng.pick(material.forged) : this.mutated(this.rng.pick(material.forged)))],
      ['header-junk', 10, () => this.headerJunk()],
      ['payload-junk', 10, () => this.payloadJunk()],
      ['structure', 12, () => this.structure()],
      ['control', 6, () => this.rng.pick(material.controls)],
    ];
  }

  next(): FuzzRequest {
    const total = this.kinds.reduce((sum, [, weight]) => sum + weight, 0);
    let roll = this.rng.int(total);
    const [kind, , make] = this.kinds.find(([, weight]) => (roll -= weight) < 0)!;
    const token = make();
    const headers = this.deliver(token, kind === 'control');
    const route = this.route(kind === 'control');
    return { ...route, headers: { ...headers, ...route.headers }, control: this.carriesControl(headers), kind };
  }

  /** Whether the guard would read an unmodified control token from these headers. */
  private carriesControl(headers: Record<string, string>): boolean {
    const request = { header: (name: string) => headers[name], cookieHeader: headers.cookie, raw: undefined };
    try {
      const token = firstToken(this.extractors, request);
      return token !== undefined && this.controlSet.has(token);
    } catch {
      return false;
    }
  }

  private route(control: boolean): { method: 'GET' | 'POST'; path: string; headers: Record<string, string>; body?: string } {
    const tenant = this.rng.pick(['t1', 't2', 'T1', '__proto__', 'constructor', '%00', 'a'.repeat(300), encodeURIComponent('caf\u00E9'), '..%2F..%2Fadmin']);
    const tenantHeader: Record<string, string> = this.rng.chance(0.3) ? { 'x-tenant-id': this.rng.pick(['t1', 't2', '__proto__', 'toString', '', 'T1', ' t1']) } : {};
    const routes = [
      { method: 'GET' as const, path: '/me', headers: tenantHeader },
      { method: 'GET' as const, path: '/me/tenant', headers: tenantHeader },
      { method: 'GET' as const, path: `/tenants/${tenant}/projects`, headers: tenantHeader },
      { method: 'GET' as const, path: '/admin/tenants', headers: tenantHeader },
      { method: 'GET' as const, path: `/tenants/${tenant}/billing`, headers: tenantHeader },
    ];
    // Controls stay on GET routes: a control POST would create projects and grow the app's own data.
    if (control || this.rng.chance(0.85)) return this.rng.pick(routes);
    return { method: 'POST', path: `/tenants/${tenant}/projects`, headers: { 'content-type': 'application/json', ...tenantHeader }, body: '{"name":"fuzz"}' };
  }

  /** Where the token goes: mostly a bearer header, else the DS cookie, sometimes both or oddly wrapped. */
  private deliver(token: string, control: boolean): Record<string, string> {
    const roll = this.rng.next();
    if (roll < 0.6 || control) return this.rng.chance(0.8) || !control ? { authorization: `Bearer ${token}` } : { cookie: `DS=${token}` };
    if (roll < 0.8) {
      const cookie = this.rng.pick([`DS=${token}`, `a=b; DS=${token}; c=d`, `DS="${token}"`, `DS=${token}; DS=${this.rng.pick(this.material.controls)}`, `DSR=${token}`, `ds=${token}`]);
      return { cookie, ...(this.rng.chance(0.3) && { origin: this.rng.pick(['http://evil.example', 'null']) }) };
    }
    return {
      authorization: this.rng.pick([`bearer ${token}`, `BEARER ${token}`, `Bearer ${token} ${token}`, `Bearer ${token},${token}`, 'Bearer', 'Bearer ', `Basic ${Buffer.from(`u:${token}`).toString('base64')}`, `DPoP ${token}`, `Bearer\t${token}`, token]),
      ...(this.rng.chance(0.3) && { cookie: `DS=${this.mutated(this.rng.pick(this.material.controls))}` }),
    };
  }

  // -- token makers -------------------------------------------------------------------------

  /** One to three byte- or character-level changes; never the token it started from. */
  mutated(original: string): string {
    for (;;) {
      let token = original;
      const steps = 1 + this.rng.int(3);
      for (let i = 0; i < steps; i++) token = this.mutateOnce(token);
      if (token !== original && token.length > 0) return token;
    }
  }

  private mutateOnce(token: string): string {
    if (token.length === 0) return this.rng.text(1, NOISE);
    const parts = token.split('.');
    const part = this.rng.int(parts.length);
    switch (this.rng.int(12)) {
      case 0: {
        const bytes = Buffer.from(parts[part]!, 'base64url');
        if (bytes.length) bytes[this.rng.int(bytes.length)]! ^= 1 << this.rng.int(8);
        parts[part] = bytes.toString('base64url');
        return parts.join('.');
      }
      case 1: {
        const i = this.rng.int(token.length);
        return token.slice(0, i) + this.rng.text(1, NOISE) + token.slice(i + 1);
      }
      case 2: {
        const i = this.rng.int(token.length + 1);
        return token.slice(0, i) + this.rng.text(1 + this.rng.int(4), NOISE) + token.slice(i);
      }
      case 3: {
        const i = this.rng.int(token.length);
        return token.slice(0, i) + token.slice(i + 1 + this.rng.int(8));
      }
      case 4:
        return token.slice(0, this.rng.int(token.length));
      case 5:
        return [parts[1], parts[0], parts[2]].join('.');
      case 6:
        return [...parts, this.rng.pick([parts[0], parts[1], '', segment('x')])].join('.');
      case 7:
        return parts.filter((_, i) => i !== part).join('.');
      case 8:
        return token.replace(/-/g, '+').replace(/_/g, '/');
      case 9:
        parts[part] = `${parts[part]}${'='.repeat(1 + this.rng.int(2))}`;
        return parts.join('.');
      case 10:
        parts[part] = Buffer.from(parts[part]!, 'base64url').toString('base64');
        return parts.join('.');
      default: {
        const i = this.rng.int(token.length);
        const c = token[i]!;
        const flipped = c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase();
        return token.slice(0, i) + flipped + token.slice(i + 1);
      }
    }
  }

  private algConfusion(): string {
    const [controlHeader, controlPayload] = this.rng.pick(this.material.controls).split('.');
    const kid = (JSON.parse(Buffer.from(controlHeader!, 'base64url').toString()) as { kid?: string }).kid;
    const alg = this.rng.pick(['none', 'None', 'NONE', 'nOnE', 'HS256', 'HS384', 'HS512']);
    const input = `${segment({ alg, ...(this.rng.chance(0.7) && { kid }), typ: 'JWT' })}.${controlPayload}`;
    if (alg.toLowerCase() === 'none') return `${input}.${this.rng.pick(['', segment('sig'), this.rng.bytes(64).toString('base64url')])}`;
    const hash = { HS256: 'sha256', HS384: 'sha384', HS512: 'sha512' }[alg]!;
    return `${input}.${createHmac(hash, this.rng.pick(this.hmacSecrets)).update(input).digest('base64url')}`;
  }

  private headerJunk(): string {
    const [, payload, signature] = this.rng.pick(this.material.controls).split('.');
    const members = [`"alg":${JSON.stringify(this.rng.pick(ALGS))}`, ...Array.from({ length: this.rng.int(5) }, () => `${JSON.stringify(this.rng.pick(MEMBER_NAMES))}:${this.json(3)}`)];
    if (this.rng.chance(0.2)) members.reverse();
    const header = this.rng.chance(0.1) ? this.json(4) : `{${members.join(',')}}`;
    return `${segment(header)}.${payload}.${this.rng.chance(0.5) ? signature : this.rng.bytes(this.rng.int(140)).toString('base64url')}`;
  }

  private payloadJunk(): string {
    const [header, payload, signature] = this.rng.pick(this.material.controls).split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as Record<string, unknown>;
    const extra = Array.from({ length: 1 + this.rng.int(5) }, () => `${JSON.stringify(this.rng.pick(MEMBER_NAMES))}:${this.json(3)}`);
    const text = this.rng.chance(0.15) ? this.json(5) : `${JSON.stringify(claims).slice(0, -1)},${extra.join(',')}}`;
    return `${header}.${segment(text)}.${this.rng.chance(0.6) ? signature : this.rng.bytes(64).toString('base64url')}`;
  }

  private structure(): string {
    switch (this.rng.int(8)) {
      case 0:
        return Array.from({ length: this.rng.int(7) }, () => this.rng.text(this.rng.int(60), B64URL)).join('.');
      case 1:
        return this.rng.text(1 + this.rng.int(200), NOISE);
      case 2:
        return [segment({ alg: 'RSA-OAEP-256', enc: 'A256GCM' }), this.rng.bytes(256), this.rng.bytes(12), this.rng.bytes(100), this.rng.bytes(16)]
          .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
          .join('.');
      case 3: {
        // Around the length cap (8192), and now and then past Node's header limit (16 KiB).
        const size = this.rng.chance(0.1) ? 17_000 + this.rng.int(10_000) : 7_000 + this.rng.int(7_000);
        const [header] = this.rng.pick(this.material.controls).split('.');
        return `${header}.${this.rng.text(size, B64URL)}.${this.rng.text(86, B64URL)}`;
      }
      case 4:
        return `${segment(`{"alg":"ES256","x":${'['.repeat(2000)}${']'.repeat(2000)}}`)}.${this.rng.pick(this.material.controls).split('.')[1]}.${this.rng.text(86, B64URL)}`;
      case 5:
        return `..${this.rng.pick(['', '.', '..', this.rng.text(10, B64URL)])}`;
      case 6:
        return this.rng.pick(this.material.controls).split('.').reverse().join('.');
      default:
        return `${segment(this.json(2))}.${segment(this.json(3))}.${this.rng.bytes(this.rng.int(100)).toString('base64url')}`;
    }
  }

  /** Raw JSON text, including what JSON.stringify never writes: 1e400, -0, duplicate and prototype names. */
  private json(depth: number): string {
    const roll = this.rng.int(depth > 0 ? 10 : 6);
    switch (roll) {
      case 0:
        return this.rng.pick(['1e400', '-1e400', '1e308', '-0', '0.1', '9007199254740993', '-1', '1700000000', '4102444800']);
      case 1:
        return JSON.stringify(this.rng.pick(['', 'admin', 'Admin', '\u0430dmin', 'NaN', 'Infinity', 'null', '__proto__', 'P2', 'https://evil.example', 'sample-dev-issuer', 'x'.repeat(this.rng.int(500))]));
      case 2:
        return this.rng.pick(['true', 'false', 'null']);
      case 3:
        return String(this.rng.int(2 ** 31) - 2 ** 30);
      case 4:
        return JSON.stringify(this.rng.text(this.rng.int(20), NOISE));
      case 5:
        return '[]';
      case 6:
      case 7:
        return `[${Array.from({ length: this.rng.int(4) }, () => this.json(depth - 1)).join(',')}]`;
      default:
        return `{${Array.from({ length: this.rng.int(5) }, () => `${JSON.stringify(this.rng.pick(MEMBER_NAMES))}:${this.json(depth - 1)}`).join(',')}}`;
    }
  }
}
