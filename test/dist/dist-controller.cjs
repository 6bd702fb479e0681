// The controller the plain programs dist-app.mjs and dist-app.cjs serve, decorated without
// TypeScript, and the HTTP client they call it with. CommonJS, so that both can load it.
'use strict';

/** Applies method and parameter decorators the way TypeScript's emitted code would. */
function decorateMethod(target, name, decorators, parameterDecorators = []) {
  const descriptor = Object.getOwnPropertyDescriptor(target.prototype, name);
  parameterDecorators.forEach((decorator, index) => decorator(target.prototype, name, index));
  for (const decorator of [...decorators].reverse()) decorator(target.prototype, name, descriptor);
}

/** GET /open (public), GET /me (the session's userId), GET /admin (role admin), from the given package exports. */
function distController({ Controller, Get }, { CurrentSession, Public, Roles }) {
  class DistController {
    open() { return { open: true }; }
    me(userId) { return { userId }; }
    admin() { return { admin: true }; }
  }
  Controller()(DistController);
  decorateMethod(DistController, 'open', [Public(), Get('open')]);
  decorateMethod(DistController, 'me', [Get('me')], [CurrentSession('userId')]);
  decorateMethod(DistController, 'admin', [Roles('admin'), Get('admin')]);
  return DistController;
}

/** `get(path, token?)` against the app at `url`: status, JSON body and WWW-Authenticate. */
function httpGetter(url) {
  return async (path, token) => {
    const response = await fetch(`${url}${path}`, token ? { headers: { authorization: `Bearer ${token}` } } : {});
    return { status: response.status, body: await response.json(), challenge: response.headers.get('www-authenticate') };
  };
}

module.exports = { distController, httpGetter };
