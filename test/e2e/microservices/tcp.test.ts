import 'reflect-metadata';
import { Controller, UseGuards, type INestApplication, type INestMicroservice } from '@nestjs/common';
import { ClientProxyFactory, MessagePattern, Payload, Transport, type ClientProxy } from '@nestjs/microservices';
import { Test } from '@nestjs/testing';
import type { JWTPayload } from 'jose';
import type { AddressInfo, Server } from 'node:net';
import { lastValueFrom } from 'rxjs';
import {
  CurrentSession,
  Public,
  Roles,
  SessionConfigError,
  SessionGuard,
  SessionModule,
  Tenant,
  type SessionModuleOptions,
  type TenantContext,
} from '../../../lib/index.js';
import { SessionOptions } from '../../../lib/options/session-options.js';
import { ISSUER, makeKey, signSession, type TestKey } from '../../support/keys.js';
import { CapturingLogger } from '../../support/log-capture.js';

@Controller()
class OrderHandlers {
  @MessagePattern('whoami')
  whoami(@CurrentSession('userId') userId: string) {
    return { userId };
  }

  @Roles('admin') @MessagePattern('orders.delete')
  deleteOrder(@Payload() message: { orderId: string }, @CurrentSession('userId') userId: string) {
    return { deleted: message.orderId, by: userId };
  }

  /** The tenant comes from the message (`{ tenantId }`). */
  @MessagePattern('orders.list')
  list(@Tenant() tenant: TenantContext | undefined) {
    return { tenant: tenant ?? null };
  }

  @Public() @MessagePattern('health')
  health() {
    return 'ok';
  }
}

interface Service {
  app: INestMicroservice;
  client: ClientProxy;
}

async function startService(options: SessionModuleOptions, logger: CapturingLogger): Promise<Service> {
  const moduleRef = await Test.createTestingModule({
    imports: [SessionModule.forRoot(options)],
    controllers: [OrderHandlers],
  }).compile();
  const app = moduleRef.createNestMicroservice({ transport: Transport.TCP, options: { host: '127.0.0.1', port: 0 }, logger });
  await app.listen();
  const { port } = app.unwrap<Server>().address() as AddressInfo;
  const client = ClientProxyFactory.create({ transport: Transport.TCP, options: { host: '127.0.0.1', port } });
  await client.connect();
  return { app, client };
}

/** The reply, or the error the caller receives. */
async function ask(service: Service, pattern: string, message: unknown): Promise<{ ok: unknown } | { error: any }> {
  try {
    return { ok: await lastValueFrom(service.client.send(pattern, message)) };
  } catch (error) {
    return { error };
  }
}

describe('microservice handlers over TCP', () => {
  let key: TestKey;
  let byDefault: Service;
  let nested: Service;
  const logger = new CapturingLogger();
  const tokenFor = (claims: JWTPayload = {}, expiresIn = 300) => signSession(claims, { key, expiresIn });

  beforeAll(async () => {
    key = await makeKey('ES256');
    const base = { issuer: ISSUER, jwks: { keys: [key.publicJwk] } };
    [byDefault, nested] = await Promise.all([startService(base, logger), startService({ ...base, rpcTokenField: 'meta.auth' }, logger)]);
  });
  afterAll(async () => {
    for (const service of [byDefault, nested]) {
      await service.client.close();
      await service.app.close();
    }
  });

  it('reads the token from the message field "token" by default', async () => {
    expect(await ask(byDefault, 'whoami', { token: await tokenFor({ sub: 'U-rpc' }) })).toEqual({ ok: { userId: 'U-rpc' } });
  });

  it('accepts the field holding "Bearer <token>" too', async () => {
    expect(await ask(byDefault, 'whoami', { token: `Bearer ${await tokenFor({ sub: 'U-bearer' })}` })).toEqual({ ok: { userId: 'U-bearer' } });
  });

  it('refuses a message without a token with an RpcException carrying the reason', async () => {
    const answer = await ask(byDefault, 'whoami', { orderId: 'O1' });
    expect(answer).toEqual({ error: { status: 'error', statusCode: 401, message: expect.any(String), reason: 'token_missing' } });
  });

  it('a message that is not an object has no token (no crash)', async () => {
    expect(await ask(byDefault, 'whoami', 'just a string')).toEqual({ error: expect.objectContaining({ reason: 'token_missing' }) });
    expect(await ask(byDefault, 'whoami', { token: 42 })).toEqual({ error: expect.objectContaining({ reason: 'token_missing' }) });
  });

  it('refuses invalid and expired tokens, never echoing the token', async () => {
    expect(await ask(byDefault, 'whoami', { token: 'not.a.token' })).toEqual({ error: expect.objectContaining({ statusCode: 401, reason: 'token_malformed' }) });
    const expired = await tokenFor({}, -60);
    const answer = await ask(byDefault, 'whoami', { token: expired });
    expect(answer).toEqual({ error: expect.objectContaining({ statusCode: 401, reason: 'token_expired' }) });
    expect(JSON.stringify(answer)).not.toContain(expired);
  });

  it('@Roles(): 403 missing_roles, and the handler runs with the role', async () => {
    expect(await ask(byDefault, 'orders.delete', { orderId: 'O1', token: await tokenFor({ roles: ['clerk'] }) })).toEqual({
      error: expect.objectContaining({ statusCode: 403, reason: 'missing_roles' }),
    });
    expect(await ask(byDefault, 'orders.delete', { orderId: 'O1', token: await tokenFor({ sub: 'U-adm', roles: ['admin'] }) })).toEqual({
      ok: { deleted: 'O1', by: 'U-adm' },
    });
  });

  it('tenant scope: a tenant admin never passes a platform handler through the message tenantId or dct', async () => {
    const tenantAdmin = await tokenFor({ dct: 't1', tenants: { t1: { roles: ['admin'], permissions: [] } } });
    expect(await ask(byDefault, 'orders.delete', { orderId: 'O1', token: tenantAdmin })).toEqual({ error: expect.objectContaining({ statusCode: 403, reason: 'missing_roles' }) });
    expect(await ask(byDefault, 'orders.delete', { orderId: 'O1', tenantId: 't1', token: tenantAdmin })).toEqual({
      error: expect.objectContaining({ statusCode: 403, reason: 'missing_roles' }),
    });
  });

  it('@Tenant(): the message names the tenant; membership is checked', async () => {
    const token = await tokenFor({ tenants: { t1: { roles: ['buyer'], permissions: ['orders:read'] } } });
    expect(await ask(byDefault, 'orders.list', { token, tenantId: 't1' })).toEqual({
      ok: { tenant: { id: 't1', roles: ['buyer'], permissions: ['orders:read'] } },
    });
    expect(await ask(byDefault, 'orders.list', { token })).toEqual({ ok: { tenant: null } });
    expect(await ask(byDefault, 'orders.list', { token, tenantId: 't2' })).toEqual({ error: expect.objectContaining({ statusCode: 403, reason: 'tenant_not_member' }) });
  });

  it('@Public() handlers need no token', async () => {
    expect(await ask(byDefault, 'health', {})).toEqual({ ok: 'ok' });
  });

  it('rpcTokenField names another field, a dotted path reaching into the message', async () => {
    const token = await tokenFor({ sub: 'U-nested' });
    expect(await ask(nested, 'whoami', { meta: { auth: token } })).toEqual({ ok: { userId: 'U-nested' } });
    expect(await ask(nested, 'whoami', { token })).toEqual({ error: expect.objectContaining({ reason: 'token_missing' }) });
  });

  it.each(['', 'meta.', '.token', 'a..b'])('rpcTokenField %j stops start-up, naming the option', (field) => {
    const options = { issuer: ISSUER, jwks: { keys: [key.publicJwk] }, rpcTokenField: field };
    expect(() => new SessionOptions(options)).toThrow(SessionConfigError);
    expect(() => new SessionOptions(options)).toThrow(/"rpcTokenField"/);
  });

  it('refusals are logged at debug level, never as errors', () => {
    expect(logger.at('error', 'warn', 'fatal')).toEqual([]);
    expect(logger.at('debug').some((entry) => entry.message.includes('RPC whoami') && entry.message.includes('token_missing'))).toBe(true);
  });
});

@Controller()
class OpenHandlers {
  @MessagePattern('whoami')
  whoami(@CurrentSession('userId') userId: string | undefined) {
    return { userId: userId ?? null };
  }
}

@UseGuards(SessionGuard)
@Controller()
class GuardedHandlers {
  @MessagePattern('guarded.whoami')
  whoami(@CurrentSession('userId') userId: string) {
    return { userId };
  }
}

/**
 * An HTTP app with a microservice connected (`connectMicroservice`): Nest applies the app's
 * global guards to it only with `inheritAppConfig: true`; otherwise handlers name the guard.
 */
describe('microservice handlers in a hybrid application (TCP)', () => {
  let key: TestKey;

  async function hybrid(inheritAppConfig: boolean): Promise<{ app: INestApplication; client: ClientProxy }> {
    const moduleRef = await Test.createTestingModule({
      imports: [SessionModule.forRoot({ issuer: ISSUER, jwks: { keys: [key.publicJwk] } })],
      controllers: [OpenHandlers, GuardedHandlers],
    }).compile();
    const app = moduleRef.createNestApplication({ logger: false });
    const microservice = app.connectMicroservice({ transport: Transport.TCP, options: { host: '127.0.0.1', port: 0 } }, { inheritAppConfig });
    await app.startAllMicroservices();
    await app.init();
    const { port } = microservice.unwrap<Server>().address() as AddressInfo;
    const client = ClientProxyFactory.create({ transport: Transport.TCP, options: { host: '127.0.0.1', port } });
    await client.connect();
    return { app, client };
  }

  const send = async (service: { client: ClientProxy }, pattern: string, message: unknown) =>
    lastValueFrom(service.client.send(pattern, message)).then((ok: unknown) => ({ ok }), (error: unknown) => ({ error }));

  beforeAll(async () => {
    key = await makeKey('ES256');
  });

  it('with inheritAppConfig: true, the global guard checks every handler', async () => {
    const service = await hybrid(true);
    try {
      expect(await send(service, 'whoami', {})).toEqual({ error: expect.objectContaining({ reason: 'token_missing' }) });
      expect(await send(service, 'whoami', { token: await signSession({ sub: 'U-hybrid' }, { key }) })).toEqual({ ok: { userId: 'U-hybrid' } });
    } finally {
      await service.client.close();
      await service.app.close();
    }
  });

  it('without it, only handlers under @UseGuards(SessionGuard) are checked (Nest runs no global guard there)', async () => {
    const service = await hybrid(false);
    try {
      expect(await send(service, 'whoami', {})).toEqual({ ok: { userId: null } });
      expect(await send(service, 'guarded.whoami', {})).toEqual({ error: expect.objectContaining({ reason: 'token_missing' }) });
      expect(await send(service, 'guarded.whoami', { token: await signSession({ sub: 'U-named' }, { key }) })).toEqual({ ok: { userId: 'U-named' } });
    } finally {
      await service.client.close();
      await service.app.close();
    }
  });
});
