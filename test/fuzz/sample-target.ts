import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { JWK } from 'jose';
import { AppModule } from '../../sample/app.module.js';
import { forgeTokens, type FuzzMaterial } from './hostile-requests.js';

export interface FuzzTarget {
  readonly url: string;
  readonly material: FuzzMaterial;
  close(): Promise<void>;
}

/**
 * The sample application (its own AppModule, dev-issuer mode) on a loopback port, with the
 * tokens the fuzz starts from: a few valid ones minted by its `POST /dev/token`, and attacker
 * tokens signed once.
 */
export async function startSampleTarget(): Promise<FuzzTarget> {
  const app = await NestFactory.create(AppModule.forConfig({ mode: 'dev-issuer', port: 0, host: '127.0.0.1', sessions: 'server' }), { logger: false });
  await app.listen(0, '127.0.0.1');
  const url = await app.getUrl();
  const mint = async (body: object): Promise<string> => {
    const response = await fetch(`${url}/dev/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (response.status !== 200) throw new Error(`POST /dev/token answered ${response.status}`);
    return ((await response.json()) as { token: string }).token;
  };
  const controls = await Promise.all([
    mint({ sub: 'U-admin', roles: ['admin'], tenants: { t1: { roles: ['admin'], permissions: ['projects:create', 'billing:read'] } }, tenant: 't1', amr: ['pwd', 'mfa'] }),
    mint({ sub: 'U-member', tenants: { t1: { roles: ['member'], permissions: [] } } }),
    mint({ sub: 'U-plain' }),
    mint({ sub: 'U-viewer', tenants: { t2: { roles: ['viewer'], permissions: [] } }, tenant: 't2' }),
  ]);
  const jwks = (await (await fetch(`${url}/.well-known/jwks.json`)).json()) as { keys: JWK[] };
  const issuerJwk = jwks.keys[0]!;
  const forged = await forgeTokens(controls, issuerJwk.kid!);
  return { url, material: { controls, issuerJwk, forged }, close: () => app.close() };
}
