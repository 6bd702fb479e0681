import { Injectable, UseInterceptors, type CallHandler, type NestInterceptor } from '@nestjs/common';
import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { Args, Field, GraphQLModule, ID, Int, Mutation, ObjectType, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import type { JWTPayload } from 'jose';
import {
  acr,
  CurrentSession,
  maxAuthAge,
  OptionalSession,
  Public,
  RequireClaims,
  RequireTenant,
  Roles,
  SessionModule,
  Tenant,
  type Session,
  type TenantContext,
} from '../../../lib/index.js';
import { HTTP_ADAPTERS, type TestApp } from '../../support/app.js';
import { ISSUER, makeKey, signSession, type TestKey } from '../../support/keys.js';
import { CapturingLogger } from '../../support/log-capture.js';
import { startNestApp } from '../../support/nest-app.js';

@ObjectType()
class Profile {
  @Field() userId!: string;
  @Field(() => [String]) roles!: string[];
  @Field(() => String, { nullable: true }) tenantId?: string | undefined;
}

@ObjectType()
class TenantView {
  @Field(() => ID) id!: string;
  @Field(() => [String]) roles!: string[];
  @Field() userId!: string;
}

@ObjectType()
class Project {
  @Field(() => ID) id!: string;
  @Field() name!: string;
  @Field(() => String, { nullable: true }) tenantId?: string | undefined;
}

/** Stands for an interceptor doing I/O between the guard and the handler (other resolvers run meanwhile). */
@Injectable()
class YieldingInterceptor implements NestInterceptor {
  async intercept(_context: unknown, next: CallHandler) {
    await new Promise((resolve) => setImmediate(resolve));
    return next.handle();
  }
}

@Resolver(() => Project)
class ProjectResolver {
  @Public() @Query(() => String) hello() { return 'world'; }

  @Query(() => Profile)
  me(@CurrentSession() session: Session, @Tenant('id') tenantId: string | undefined): Profile {
    return { userId: session.userId, roles: [...session.roles], tenantId };
  }

  @OptionalSession() @Query(() => String)
  greeting(@CurrentSession('userId') userId: string | undefined) { return userId === undefined ? 'hello stranger' : `hello ${userId}`; }

  @Roles('admin') @Query(() => String) adminReport() { return 'secret figures'; }

  @RequireClaims(acr('urn:acme:gold'), maxAuthAge(60)) @Query(() => String) goldReport() { return 'gold figures'; }

  /** The tenant comes from the resolver's own `tenantId` argument. */
  @RequireTenant() @UseInterceptors(YieldingInterceptor) @Query(() => TenantView)
  tenantView(@Args('tenantId') _tenantId: string, @Tenant() tenant: TenantContext, @CurrentSession('userId') userId: string): TenantView {
    return { id: tenant.id, roles: [...tenant.roles], userId };
  }

  @Roles('editor') @Mutation(() => Project)
  renameProject(@Args('tenantId') _tenantId: string, @Args('name') name: string, @Tenant('id') tenantId: string): Project {
    return { id: 'P1', name, tenantId };
  }

  @Query(() => Project) project(): Project { return { id: 'P1', name: 'Apollo' }; }

  /** A field resolver with its own requirement: only this field is refused. */
  @Roles('finance') @ResolveField(() => Int, { nullable: true })
  budget(@Parent() project: Project, @CurrentSession('userId') userId: string): number {
    return project.id === 'P1' && userId ? 1200 : 0;
  }

  @ResolveField(() => String)
  viewer(@CurrentSession('userId') userId: string): string { return userId; }
}

interface GraphQLAnswer {
  status: number;
  data?: Record<string, any> | null;
  errors?: Array<{ message: string; path?: string[]; extensions: Record<string, any> }>;
}

describe.each(HTTP_ADAPTERS)('GraphQL (Apollo, code-first) over %s', (adapter) => {
  let key: TestKey;
  let app: TestApp;
  const logger = new CapturingLogger();
  const tokenFor = (claims: JWTPayload = {}) => signSession(claims, { key });

  async function gql(query: string, token?: string, variables?: Record<string, unknown>): Promise<GraphQLAnswer> {
    const response = await fetch(`${app.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token !== undefined && { authorization: `Bearer ${token}` }) },
      body: JSON.stringify({ query, variables }),
    });
    return { status: response.status, ...((await response.json()) as object) };
  }

  function expectRefused(answer: GraphQLAnswer, code: string, reason: string, path?: string[]) {
    const error = answer.errors?.find((candidate) => path === undefined || JSON.stringify(candidate.path) === JSON.stringify(path));
    expect(error).toBeDefined();
    expect(error!.extensions).toMatchObject({ code, reason });
    return error!;
  }

  // Apollo adds stack frames to errors unless NODE_ENV is production or test: run as most staging apps do.
  const nodeEnv = process.env.NODE_ENV;
  beforeAll(async () => {
    delete process.env.NODE_ENV;
    key = await makeKey('ES256');
    app = await startNestApp(
      {
        imports: [
          SessionModule.forRoot({ issuer: ISSUER, jwks: { keys: [key.publicJwk] }, stepUp: { mfaAcr: 'urn:acme:mfa' } }),
          GraphQLModule.forRoot<ApolloDriverConfig>({
            driver: ApolloDriver,
            autoSchemaFile: true,
            graphiql: false,
            // Guards run on field resolvers only when asked.
            fieldResolverEnhancers: ['guards'],
          }),
        ],
        providers: [ProjectResolver],
      },
      { adapter, logger },
    );
  });
  afterAll(async () => {
    process.env.NODE_ENV = nodeEnv;
    await app.close();
  });

  it('protects queries: no token is UNAUTHENTICATED token_missing', async () => {
    const answer = await gql('{ me { userId } }');
    expectRefused(answer, 'UNAUTHENTICATED', 'token_missing', ['me']);
    expect(answer.data ?? null).toBeNull();
  });

  it('a step-up refusal (RFC 9470) carries acr_values and max_age in its extensions', async () => {
    const weak = await tokenFor({ acr: 'urn:acme:silver', auth_time: Math.floor(Date.now() / 1000) - 3600 });
    const error = expectRefused(await gql('{ goldReport }', weak), 'UNAUTHENTICATED', 'insufficient_user_authentication', ['goldReport']);
    expect(error.extensions).toMatchObject({ acr_values: 'urn:acme:gold', max_age: 60, failedValidators: ['acr(urn:acme:gold)', 'maxAuthAge(60)'] });
    const strong = await tokenFor({ acr: 'urn:acme:gold', auth_time: Math.floor(Date.now() / 1000) - 10 });
    expect((await gql('{ goldReport }', strong)).data).toEqual({ goldReport: 'gold figures' });
  });

  it('an invalid or expired token is UNAUTHENTICATED with its reason', async () => {
    expectRefused(await gql('{ me { userId } }', 'not.a.token'), 'UNAUTHENTICATED', 'token_malformed');
    const expired = await signSession({}, { key, expiresIn: -3600 });
    const answer = await gql('{ me { userId } }', expired);
    expectRefused(answer, 'UNAUTHENTICATED', 'token_expired');
    expect(JSON.stringify(answer)).not.toContain(expired);
  });

  it('@Public() queries need no token', async () => {
    expect((await gql('{ hello }')).data).toEqual({ hello: 'world' });
  });

  it('@CurrentSession() in a resolver', async () => {
    const answer = await gql('{ me { userId roles tenantId } }', await tokenFor({ sub: 'U-gql', roles: ['reader'] }));
    expect(answer.errors).toBeUndefined();
    expect(answer.data).toEqual({ me: { userId: 'U-gql', roles: ['reader'], tenantId: null } });
  });

  it('@OptionalSession() with and without a token', async () => {
    expect((await gql('{ greeting }')).data).toEqual({ greeting: 'hello stranger' });
    expect((await gql('{ greeting }', await tokenFor({ sub: 'U-opt' }))).data).toEqual({ greeting: 'hello U-opt' });
    expectRefused(await gql('{ greeting }', 'garbage'), 'UNAUTHENTICATED', 'token_malformed');
  });

  it('tenant scope: a tenant admin never passes a platform query through dct or x-tenant-id', async () => {
    const tenantAdmin = await tokenFor({ dct: 't1', tenants: { t1: { roles: ['admin'] } } });
    expectRefused(await gql('{ adminReport }', tenantAdmin), 'FORBIDDEN', 'missing_roles', ['adminReport']);
    const viaHeader = await fetch(`${app.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await tokenFor({ tenants: { t1: { roles: ['admin'] } } })}`, 'x-tenant-id': 't1' },
      body: JSON.stringify({ query: '{ adminReport }' }),
    });
    expectRefused({ status: viaHeader.status, ...((await viaHeader.json()) as object) }, 'FORBIDDEN', 'missing_roles', ['adminReport']);
  });

  it('refusals carry no stack frames, whatever NODE_ENV says', async () => {
    const answer = await gql('{ adminReport }', await tokenFor({ roles: ['reader'] }));
    expect(JSON.stringify(answer)).not.toMatch(/\.(?:js|ts):\d+|\bat /);
  });

  it('@Roles() on a query: FORBIDDEN missing_roles', async () => {
    expectRefused(await gql('{ adminReport }', await tokenFor({ roles: ['reader'] })), 'FORBIDDEN', 'missing_roles', ['adminReport']);
    expect((await gql('{ adminReport }', await tokenFor({ roles: ['admin'] }))).data).toEqual({ adminReport: 'secret figures' });
  });

  it('the tenant comes from the resolver argument tenantId; @Tenant() gives its context', async () => {
    const token = await tokenFor({ sub: 'U-t', tenants: { t1: { roles: ['owner'] }, t2: { roles: ['viewer'] } } });
    const answer = await gql('{ tenantView(tenantId: "t1") { id roles userId } }', token);
    expect(answer.errors).toBeUndefined();
    expect(answer.data).toEqual({ tenantView: { id: 't1', roles: ['owner'], userId: 'U-t' } });
    expectRefused(await gql('{ tenantView(tenantId: "t9") { id } }', token), 'FORBIDDEN', 'tenant_not_member');
  });

  it('two root fields naming different tenants each see their own tenant', async () => {
    const token = await tokenFor({ tenants: { t1: { roles: ['owner'] }, t2: { roles: ['viewer'] } } });
    const answer = await gql('{ a: tenantView(tenantId: "t1") { id roles } b: tenantView(tenantId: "t2") { id roles } }', token);
    expect(answer.errors).toBeUndefined();
    expect(answer.data).toEqual({ a: { id: 't1', roles: ['owner'] }, b: { id: 't2', roles: ['viewer'] } });
  });

  it('protects mutations, with the tenant roles of the tenantId argument', async () => {
    const token = await tokenFor({ roles: ['editor'], tenants: { t1: { roles: ['editor'] }, t2: { roles: ['viewer'] } } });
    const rename = 'mutation Rename($tenantId: String!) { renameProject(tenantId: $tenantId, name: "Gemini") { id name tenantId } }';
    expect((await gql(rename, token, { tenantId: 't1' })).data).toEqual({ renameProject: { id: 'P1', name: 'Gemini', tenantId: 't1' } });
    // The top-level editor role does not count inside t2, where the session is only a viewer.
    expectRefused(await gql(rename, token, { tenantId: 't2' }), 'FORBIDDEN', 'missing_roles', ['renameProject']);
    expectRefused(await gql(rename, undefined, { tenantId: 't1' }), 'UNAUTHENTICATED', 'token_missing');
  });

  it('protects field resolvers: only the guarded field is refused, the rest of the answer stands', async () => {
    const query = '{ project { id name viewer budget } }';
    const reader = await gql(query, await tokenFor({ sub: 'U-r', roles: ['reader'] }));
    expect(reader.data).toEqual({ project: { id: 'P1', name: 'Apollo', viewer: 'U-r', budget: null } });
    expectRefused(reader, 'FORBIDDEN', 'missing_roles', ['project', 'budget']);
    expect(reader.errors).toHaveLength(1);
    const finance = await gql(query, await tokenFor({ sub: 'U-f', roles: ['finance'] }));
    expect(finance.errors).toBeUndefined();
    expect(finance.data).toEqual({ project: { id: 'P1', name: 'Apollo', viewer: 'U-f', budget: 1200 } });
  });

  it('refusals are not logged as errors (they are HTTP exceptions to Nest)', async () => {
    const before = logger.entries.length;
    await gql('{ me { userId } }');
    await gql('{ adminReport }', await tokenFor({ roles: [] }));
    const written = logger.entries.slice(before);
    expect(written.filter((entry) => ['error', 'warn', 'fatal'].includes(entry.level))).toEqual([]);
    expect(written.some((entry) => entry.level === 'debug' && entry.message.includes('missing_roles'))).toBe(true);
  });
});
