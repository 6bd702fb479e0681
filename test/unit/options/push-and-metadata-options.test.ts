import { SessionConfigError, type SessionModuleOptions } from '../../../lib/index.js';
import { SessionOptions } from '../../../lib/options/session-options.js';
import { configErrorOf } from '../../support/session-error.js';

const jwks = { keys: [{ kty: 'EC', crv: 'P-256', x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU', y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0', alg: 'ES256' }] };
const base: SessionModuleOptions = { issuer: 'https://idp.example', jwks };

const configError = (options: Partial<SessionModuleOptions>): SessionConfigError => configErrorOf(() => new SessionOptions({ ...base, ...options } as SessionModuleOptions));

describe('options of the push receivers, step-up and resource metadata', () => {
  it('backchannelLogout and sharedSignals: defaults from the module', () => {
    const options = new SessionOptions({ ...base, clientId: 'web', backchannelLogout: true, sharedSignals: { authorizationHeader: 'Bearer 0123456789abcdef' } });
    expect(options.backchannelLogout).toEqual({ path: '/auth/backchannel-logout', issuers: ['https://idp.example'], audience: ['web'], maxTokenAge: 120, logoutUser: false });
    expect(options.sharedSignals).toEqual({ path: '/auth/security-events', issuers: ['https://idp.example'], audience: ['web'], maxTokenAge: 3600, authorizationHeader: 'Bearer 0123456789abcdef' });
    expect(new SessionOptions(base).backchannelLogout).toBeUndefined();
  });

  it.each<[string, Partial<SessionModuleOptions>, string]>([
    ['an audience (or clientId)', { backchannelLogout: true }, 'backchannelLogout.audience'],
    ['configured issuers only', { backchannelLogout: { audience: 'web', issuers: ['https://other.example'] } }, 'backchannelLogout.issuers'],
    ['a plain path', { backchannelLogout: { audience: 'web', path: 'no-slash' } }, 'backchannelLogout.path'],
    ['no wildcard path', { sharedSignals: { audience: 'web', path: '/events/:id' } }, 'sharedSignals.path'],
    ['known keys', { sharedSignals: { audience: 'web', pushUrl: '/x' } as never }, 'sharedSignals.pushUrl'],
    ['a long enough transmitter secret', { sharedSignals: { audience: 'web', authorizationHeader: 'short' } }, 'sharedSignals.authorizationHeader'],
    ['a positive iat window', { backchannelLogout: { audience: 'web', maxTokenAge: 0 } }, 'backchannelLogout.maxTokenAge'],
    ['an object', { backchannelLogout: 'yes' as never }, 'backchannelLogout'],
    ['a boolean logoutUser', { backchannelLogout: { audience: 'web', logoutUser: 'yes' as never } }, 'backchannelLogout.logoutUser'],
    ['a resource', { resourceMetadata: {} as never }, 'resourceMetadata.resource'],
    ['a resource without query', { resourceMetadata: { resource: 'https://api.example?x=1' } }, 'resourceMetadata.resource'],
    ['an https resource', { resourceMetadata: { resource: 'http://api.example' } }, 'resourceMetadata.resource'],
    ['known bearer methods', { resourceMetadata: { resource: 'https://api.example', bearerMethods: ['cookie' as never] } }, 'resourceMetadata.bearerMethods'],
    ['known stepUp keys', { stepUp: { mfa: 'x' } as never }, 'stepUp.mfa'],
    ['string mfa acr values', { stepUp: { mfaAcr: [''] } }, 'stepUp.mfaAcr'],
  ])('needs %s', (_rule, options, option) => {
    expect(configError(options).option).toBe(option);
  });

  it('resourceMetadata: its URL is named in challenges; authorization servers default to URL issuers', () => {
    const options = new SessionOptions({ ...base, realm: 'api', resourceMetadata: { resource: 'https://api.example/v1' } });
    expect(options.resourceMetadata).toMatchObject({ path: '/.well-known/oauth-protected-resource/v1', authorizationServers: ['https://idp.example'] });
    expect(options.challenge).toEqual({ realm: 'api', resourceMetadata: 'https://api.example/.well-known/oauth-protected-resource/v1' });
    expect(configError({ issuer: 'P2abc', resourceMetadata: { resource: 'https://api.example' } }).option).toBe('resourceMetadata.authorizationServers');
  });
});
