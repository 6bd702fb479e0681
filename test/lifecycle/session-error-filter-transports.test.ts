import 'reflect-metadata';
import { Controller, UseFilters, type INestApplication, type INestMicroservice } from '@nestjs/common';
import { ClientProxyFactory, MessagePattern, Transport, type ClientProxy } from '@nestjs/microservices';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { WsAdapter } from '@nestjs/platform-ws';
import { Test } from '@nestjs/testing';
import { SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import type { AddressInfo, Server } from 'node:net';
import { lastValueFrom } from 'rxjs';
import { Public, SessionError, SessionErrorFilter, SessionModule } from '../../lib/index.js';
import { connect, type SocketAdapterName, type TestSocket } from '../e2e/websockets/socket-clients.js';
import { ISSUER, makeKey, type TestKey } from '../support/keys.js';

const REFUSAL = { status: 'error', statusCode: 503, message: 'The revocation store is unavailable', reason: 'revocation_unavailable' };

@Controller()
class Handlers {
  @Public() @MessagePattern('logout')
  logout(): never {
    throw new SessionError('revocation_unavailable');
  }
}

/** Nest applies no global filter to gateways: the gateway names it. */
@WebSocketGateway()
@UseFilters(SessionErrorFilter)
class Gateway {
  @Public() @SubscribeMessage('logout')
  logout(): never {
    throw new SessionError('revocation_unavailable');
  }
}

/** The filter on the other transports: the payload the guard's WsException / RpcException carries. */
describe('SessionErrorFilter beyond HTTP', () => {
  let key: TestKey;

  beforeAll(async () => {
    key = await makeKey('ES256');
  });

  it('microservice (TCP): the caller receives the refusal payload, not "Internal server error"', async () => {
    const moduleRef = await Test.createTestingModule({ imports: [SessionModule.forRoot({ issuer: ISSUER, jwks: { keys: [key.publicJwk] } })], controllers: [Handlers] }).compile();
    const app: INestMicroservice = moduleRef.createNestMicroservice({ transport: Transport.TCP, options: { host: '127.0.0.1', port: 0 }, logger: false });
    await app.listen();
    const { port } = app.unwrap<Server>().address() as AddressInfo;
    const client: ClientProxy = ClientProxyFactory.create({ transport: Transport.TCP, options: { host: '127.0.0.1', port } });
    try {
      await client.connect();
      await expect(lastValueFrom(client.send('logout', {}))).rejects.toEqual(REFUSAL);
    } finally {
      await client.close();
      await app.close();
    }
  });

  describe.each<SocketAdapterName>(['socket.io', 'ws'])('gateway over %s', (adapter) => {
    let app: INestApplication;
    let socket: TestSocket | undefined;

    afterAll(async () => {
      socket?.close();
      await app?.close();
    });

    it('the client receives the refusal as the exception event', async () => {
      const moduleRef = await Test.createTestingModule({ imports: [SessionModule.forRoot({ issuer: ISSUER, jwks: { keys: [key.publicJwk] } })], providers: [Gateway] }).compile();
      app = moduleRef.createNestApplication({ logger: false });
      app.useWebSocketAdapter(adapter === 'ws' ? new WsAdapter(app) : new IoAdapter(app));
      await app.listen(0, '127.0.0.1');
      socket = await connect(adapter, await app.getUrl(), {});
      const answer = await socket.request('logout', {});
      expect(answer).toEqual({ event: 'exception', data: REFUSAL });
    });
  });
});
