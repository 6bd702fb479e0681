import 'reflect-metadata';
import { Catch, UseFilters, UseGuards, type ArgumentsHost, type ExceptionFilter, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { WsAdapter } from '@nestjs/platform-ws';
import { MessageBody, SubscribeMessage, WebSocketGateway, type OnGatewayConnection } from '@nestjs/websockets';
import type { JWTPayload } from 'jose';
import { CurrentSession, mfa, Public, RequireClaims, RequireTenant, Roles, SessionGuard, SessionModule, SessionService, SocketSessions, Tenant, type Session, type TenantContext } from '../../../lib/index.js';
import { ISSUER, makeKey, signSession, type TestKey } from '../../support/keys.js';
import { CapturingLogger } from '../../support/log-capture.js';
import { nestMajor } from '../../support/nest-major.js';
import { connect, type Handshake, type SocketAdapterName, type TestSocket } from './socket-clients.js';

/**
 * Nest 11's exception filter only `emit`s, which a native `ws` client never receives (Nest 12
 * sends it): what a Nest 11 app with the `ws` adapter needs for any `WsException`.
 */
@Catch()
class SendingWsExceptionFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost) {
    const client = host.switchToWs().getClient<{ readyState?: unknown; send(data: string): void; emit(event: string, data: unknown): void }>();
    const error = (exception as { getError?: () => unknown }).getError?.() ?? { status: 'error', message: 'Internal server error' };
    if (typeof client.readyState === 'number') client.send(JSON.stringify({ event: 'exception', data: error }));
    else client.emit('exception', error);
  }
}

/**
 * Nest 12 runs the global guard on gateway messages; Nest 11 runs no global guard there, so
 * the gateway names it (as docs/transports.md says for Nest 11).
 */
const ON_NEST_11: ClassDecorator = nestMajor() === 11 ? (target) => {
  UseGuards(SessionGuard)(target);
  UseFilters(SendingWsExceptionFilter)(target);
} : () => undefined;

@ON_NEST_11
@WebSocketGateway()
class ChatGateway implements OnGatewayConnection {
  constructor(private readonly sockets: SocketSessions) {}

  /** Nest runs no guard on a connection: the gateway checks it here. */
  handleConnection(client: object, request?: unknown) {
    return this.sockets.admit(client, request);
  }

  @SubscribeMessage('whoami')
  whoami(@CurrentSession() session: Session) {
    return { event: 'whoami', data: { userId: session.userId, expiresAt: session.expiresAt.toISOString() } };
  }

  @Roles('admin') @SubscribeMessage('moderate')
  moderate(@CurrentSession('userId') userId: string) {
    return { event: 'moderate', data: { by: userId } };
  }

  /** The tenant comes from the message (`{ tenantId }`). */
  @SubscribeMessage('tenant')
  tenant(@Tenant() tenant: TenantContext | undefined, @MessageBody() body: { tenantId?: string }) {
    return { event: 'tenant', data: { tenant: tenant ?? null, asked: body?.tenantId ?? null } };
  }

  @Public() @SubscribeMessage('ping')
  ping() {
    return { event: 'ping', data: 'pong' };
  }

  /** A public handler is handed no session, as a public HTTP route is not. */
  @Public() @SubscribeMessage('peek')
  peek(@CurrentSession('userId') userId: string | undefined, @Tenant('id') tenantId: string | undefined) {
    return { event: 'peek', data: { userId: userId ?? null, tenantId: tenantId ?? null } };
  }

  /** Not tenant-scoped: a message's tenantId only chooses which tenant resolves. */
  @Roles('admin') @SubscribeMessage('platform')
  platform() {
    return { event: 'platform', data: 'ok' };
  }

  @RequireClaims(mfa()) @SubscribeMessage('payout')
  payout() {
    return { event: 'payout', data: 'ok' };
  }

  @RequireTenant() @Roles('admin') @SubscribeMessage('tenant-admin')
  tenantAdmin(@Tenant('id') tenantId: string) {
    return { event: 'tenant-admin', data: tenantId };
  }
}

const ADAPTERS: SocketAdapterName[] = ['socket.io', 'ws'];

describe.each(ADAPTERS)('WebSocket gateway over %s', (adapter) => {
  let key: TestKey;
  let app: INestApplication;
  let origin: string;
  const logger = new CapturingLogger();
  const open: TestSocket[] = [];
  const tokenFor = (claims: JWTPayload = {}, expiresIn = 300) => signSession(claims, { key, expiresIn });
  const connectWith = async (handshake: Handshake) => {
    const socket = await connect(adapter, origin, handshake);
    open.push(socket);
    return socket;
  };
  const bearer = async (claims: JWTPayload = {}) => connectWith({ authorization: `Bearer ${await tokenFor(claims)}` });

  beforeAll(async () => {
    key = await makeKey('ES256');
    const moduleRef = await Test.createTestingModule({
      // No clock tolerance: the expiry test waits for the exact `exp`.
      imports: [SessionModule.forRoot({ issuer: ISSUER, jwks: { keys: [key.publicJwk] }, clockTolerance: 0, stepUp: { mfaAcr: 'urn:acme:mfa' } })],
      providers: [ChatGateway],
    }).compile();
    app = moduleRef.createNestApplication({ logger });
    app.useWebSocketAdapter(adapter === 'ws' ? new WsAdapter(app) : new IoAdapter(app));
    await app.listen(0, '127.0.0.1');
    origin = await app.getUrl();
  });
  afterEach(() => {
    for (const socket of open.splice(0)) socket.close();
  });
  afterAll(() => app.close());

  describe('at connection (SocketSessions.admit from handleConnection)', () => {
    it('takes the token from the handshake Authorization header', async () => {
      const socket = await bearer({ sub: 'U-header' });
      expect((await socket.request('whoami', {})).data).toMatchObject({ userId: 'U-header' });
    });

    it('takes the token from the DS cookie', async () => {
      const socket = await connectWith({ cookie: `theme=dark; DS=${await tokenFor({ sub: 'U-cookie' })}` });
      expect((await socket.request('whoami', {})).data).toMatchObject({ userId: 'U-cookie' });
    });

    if (adapter === 'socket.io') {
      it('takes the token from the socket.io auth.token', async () => {
        const socket = await connectWith({ authToken: await tokenFor({ sub: 'U-auth' }) });
        expect((await socket.request('whoami', {})).data).toMatchObject({ userId: 'U-auth' });
      });
    }

    it('refuses a connection without a token: an exception carrying the reason, then the connection is closed', async () => {
      const socket = await connectWith({});
      const refusal = await socket.next('exception');
      expect(refusal.data).toEqual({ status: 'error', statusCode: 401, message: expect.any(String), reason: 'token_missing' });
      const closed = await socket.closed;
      if (adapter === 'ws') expect(closed).toEqual({ code: 4401, reason: 'token_missing' });
    });

    it('refuses a connection with an invalid or expired token', async () => {
      const garbage = await connectWith({ authorization: 'Bearer not.a.token' });
      expect((await garbage.next('exception')).data).toMatchObject({ statusCode: 401, reason: 'token_malformed' });
      await garbage.closed;
      const expiredToken = await tokenFor({}, -60);
      const expired = await connectWith({ authorization: `Bearer ${expiredToken}` });
      const refusal = await expired.next('exception');
      expect(refusal.data).toMatchObject({ statusCode: 401, reason: 'token_expired' });
      expect(JSON.stringify(refusal)).not.toContain(expiredToken);
      await expired.closed;
    });
  });

  describe('on each message (the guard)', () => {
    it('@Roles(): a refused message is a WsException with the reason; the connection stays open', async () => {
      const user = await bearer({ sub: 'U-user', roles: ['member'] });
      const refusal = await user.request('moderate', {});
      expect(refusal).toEqual({ event: 'exception', data: { status: 'error', statusCode: 403, message: expect.any(String), reason: 'missing_roles' } });
      expect((await user.request('whoami', {})).data).toMatchObject({ userId: 'U-user' });
      const admin = await bearer({ sub: 'U-admin', roles: ['admin'] });
      expect(await admin.request('moderate', {})).toEqual({ event: 'moderate', data: { by: 'U-admin' } });
    });

    it('a step-up refusal (RFC 9470) carries acr_values in the WsException payload', async () => {
      const socket = await bearer({ sub: 'U-pwd', amr: ['pwd'] });
      expect(await socket.request('payout', {})).toEqual({
        event: 'exception',
        data: { status: 'error', statusCode: 401, message: expect.any(String), reason: 'insufficient_user_authentication', failedValidators: ['mfa'], acr_values: 'urn:acme:mfa' },
      });
      expect(await (await bearer({ sub: 'U-mfa', amr: ['pwd', 'mfa'] })).request('payout', {})).toEqual({ event: 'payout', data: 'ok' });
    });

    it('@Tenant(): the message names the tenant; a tenant the session is not a member of is refused', async () => {
      const socket = await bearer({ tenants: { t1: { roles: ['owner'], permissions: [] } } });
      expect((await socket.request('tenant', { tenantId: 't1' })).data).toEqual({
        tenant: { id: 't1', roles: ['owner'], permissions: [] },
        asked: 't1',
      });
      expect((await socket.request('tenant', {})).data).toEqual({ tenant: null, asked: null });
      expect((await socket.request('tenant', { tenantId: 't2' })).data).toMatchObject({ statusCode: 403, reason: 'tenant_not_member' });
    });

    it('@Public() messages are answered', async () => {
      const socket = await bearer();
      expect(await socket.request('ping', {})).toEqual({ event: 'ping', data: 'pong' });
    });

    it('a @Public() handler is handed no session, not the one the connection was admitted with', async () => {
      const socket = await connectWith({ authorization: `Bearer ${await tokenFor({ sub: 'U-peek', sid: 'S-peek', dct: 't1', tenants: { t1: { roles: [], permissions: [] } } })}` });
      expect((await socket.request('whoami', {})).data).toMatchObject({ userId: 'U-peek' });
      expect(await socket.request('peek', {})).toEqual({ event: 'peek', data: { userId: null, tenantId: null } });
      await app.get(SessionService).logout('S-peek');
      expect(await socket.request('peek', {})).toEqual({ event: 'peek', data: { userId: null, tenantId: null } });
      expect((await socket.request('whoami', {})).data).toMatchObject({ statusCode: 401, reason: 'token_revoked' });
    });

    it('tenant scope: a tenant admin never passes a platform handler; @RequireTenant() handlers read the tenant grants', async () => {
      const tenantAdmin = await bearer({ dct: 't1', tenants: { t1: { roles: ['admin'], permissions: [] } } });
      expect((await tenantAdmin.request('platform', { tenantId: 't1' })).data).toMatchObject({ statusCode: 403, reason: 'missing_roles' });
      expect((await tenantAdmin.request('platform', {})).data).toMatchObject({ statusCode: 403, reason: 'missing_roles' });
      expect(await tenantAdmin.request('tenant-admin', { tenantId: 't1' })).toEqual({ event: 'tenant-admin', data: 't1' });
      const platformAdmin = await bearer({ roles: ['admin'], tenants: { t1: { roles: [], permissions: [] } } });
      expect(await platformAdmin.request('platform', { tenantId: 't1' })).toEqual({ event: 'platform', data: 'ok' });
      expect((await platformAdmin.request('tenant-admin', { tenantId: 't1' })).data).toMatchObject({ statusCode: 403, reason: 'missing_roles' });
    });

    it('a token that expires while connected stops being accepted', async () => {
      const socket = await connectWith({ authorization: `Bearer ${await tokenFor({ sub: 'U-short' }, 2)}` });
      expect((await socket.request('whoami', {})).data).toMatchObject({ userId: 'U-short' });
      // Ask until the answer changes (bounded): the same token, checked again on every message.
      const deadline = Date.now() + 10_000;
      let answer = await socket.request('whoami', {});
      while (answer.event === 'whoami' && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        answer = await socket.request('whoami', {});
      }
      expect(answer).toEqual({ event: 'exception', data: expect.objectContaining({ statusCode: 401, reason: 'token_expired' }) });
    });
  });

  it('refusals are logged at debug level, never as errors', () => {
    expect(logger.at('error', 'warn', 'fatal')).toEqual([]);
    expect(logger.at('debug').some((entry) => entry.message.includes('missing_roles'))).toBe(true);
    expect(logger.at('debug').some((entry) => entry.message.includes('token_missing'))).toBe(true);
  });
});
