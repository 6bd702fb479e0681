import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { GraphQLModule, Query, Resolver } from '@nestjs/graphql';
import { CurrentSession, SessionModule } from '../../lib/index.js';
import { HTTP_ADAPTERS, type HttpAdapterName, type TestApp } from '../support/app.js';
import { DpopClientKey } from '../support/dpop-proof.js';
import { ISSUER, makeKey, signSession, type TestKey } from '../support/keys.js';
import { startNestApp } from '../support/nest-app.js';

@Resolver()
class OrdersResolver {
  @Query(() => String)
  me(@CurrentSession('userId') userId: string) {
    return userId;
  }

  @Query(() => Number)
  orderCount() {
    return 3;
  }
}

/** GraphQL over HTTP: the proof names the HTTP request under the resolvers (POST /graphql). */
describe.each(HTTP_ADAPTERS)('DPoP on GraphQL over HTTP, over %s', (adapter: HttpAdapterName) => {
  let app: TestApp;
  let signing: TestKey;
  let client: DpopClientKey;
  let token: string;

  beforeAll(async () => {
    signing = await makeKey('ES256');
    client = await DpopClientKey.create();
    token = await signSession({ cnf: { jkt: client.jkt } }, { key: signing });
    app = await startNestApp(
      {
        imports: [
          SessionModule.forRoot({ issuer: ISSUER, jwks: { keys: [signing.publicJwk] }, dpop: 'required' }),
          GraphQLModule.forRoot<ApolloDriverConfig>({ driver: ApolloDriver, autoSchemaFile: true, graphiql: false }),
        ],
        providers: [OrdersResolver],
      },
      { adapter },
    );
  });

  afterAll(async () => {
    await app?.close();
  });

  async function gql(query: string, headers: Record<string, string>) {
    const response = await fetch(`${app.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query }) });
    return (await response.json()) as { data?: Record<string, unknown> | null; errors?: Array<{ extensions?: { reason?: string } }> };
  }

  it('a proof for POST /graphql passes, once for all root fields of the operation; replayed, it is refused', async () => {
    const proof = await client.proof('POST', `${app.url}/graphql`, { accessToken: token });
    const headers = { authorization: `DPoP ${token}`, dpop: proof };
    expect(await gql('{ me orderCount }', headers)).toEqual({ data: { me: 'U1', orderCount: 3 } });
    const replayed = await gql('{ me }', headers);
    expect(replayed.errors?.[0]?.extensions?.reason).toBe('dpop_invalid');
  });

  it('a proof for another URL or method is refused; Bearer is refused where DPoP is required', async () => {
    const wrongUrl = await client.proof('POST', `${app.url}/other`, { accessToken: token });
    expect((await gql('{ me }', { authorization: `DPoP ${token}`, dpop: wrongUrl })).errors?.[0]?.extensions?.reason).toBe('dpop_invalid');
    const wrongMethod = await client.proof('GET', `${app.url}/graphql`, { accessToken: token });
    expect((await gql('{ me }', { authorization: `DPoP ${token}`, dpop: wrongMethod })).errors?.[0]?.extensions?.reason).toBe('dpop_invalid');
    expect((await gql('{ me }', { authorization: `Bearer ${token}` })).errors?.[0]?.extensions?.reason).toBe('dpop_invalid');
  });
});
