// nestjs-jwt-session/testing: tokens and module options for an application's own tests.
export { TestIssuer, type TestIssuerOptions } from './test-issuer.js';
export type { MintOptions, TestSessionClaims, TestTenantGrants } from './test-claims.js';
