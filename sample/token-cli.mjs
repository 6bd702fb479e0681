#!/usr/bin/env node
// DEV ONLY: asks the running sample's embedded dev issuer (POST /dev/token) for a session token
// and prints it. Plain JavaScript so that it runs on Node 20.19+ without a build step.
import { parseArgs } from 'node:util';

const HELP = `Usage: npm run -s sample:token -- [options]

  --role NAME          a role (repeatable)
  --permission NAME    a permission (repeatable)
  --tenant ID          a tenant (repeatable); the --role and --permission options that follow it
                       are granted in that tenant, those before any --tenant at the top level.
                       The first --tenant becomes the current tenant (dct) unless --no-dct.
  --no-dct             no current tenant (dct) in the token
  --mfa                add "mfa" to amr (the authentication methods)
  --claim NAME=VALUE   an extra claim; VALUE is parsed as JSON when it can be (repeatable)
  --sub ID             the user id (default U-dev-user)
  --ttl SECONDS        lifetime (default 3600)
  --url URL            the sample (default http://localhost:$PORT, PORT defaulting to 3000)

Example: npm run -s sample:token -- --tenant t1 --role admin --permission projects:create --mfa`;

function fail(message) {
  console.error(`sample:token: ${message}`);
  process.exit(1);
}

let parsed;
try {
  parsed = parseArgs({
    tokens: true,
    options: {
      role: { type: 'string', multiple: true },
      permission: { type: 'string', multiple: true },
      tenant: { type: 'string', multiple: true },
      'no-dct': { type: 'boolean' },
      mfa: { type: 'boolean' },
      claim: { type: 'string', multiple: true },
      sub: { type: 'string' },
      ttl: { type: 'string' },
      url: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
} catch (error) {
  fail(`${error.message}\n\n${HELP}`);
}
const { tokens, values } = parsed;

if (values.help) {
  console.log(HELP);
  process.exit(0);
}

const request = { roles: [], permissions: [], tenants: {}, amr: ['pwd'], claims: {} };
let grants = request; // where --role and --permission go: the top level until a --tenant
for (const token of tokens) {
  if (token.kind !== 'option') continue;
  if (token.name === 'tenant') {
    grants = request.tenants[token.value] ??= { roles: [], permissions: [] };
    if (request.tenant === undefined && !values['no-dct']) request.tenant = token.value;
  } else if (token.name === 'role') grants.roles.push(token.value);
  else if (token.name === 'permission') grants.permissions.push(token.value);
  else if (token.name === 'claim') {
    const eq = token.value.indexOf('=');
    if (eq < 1) fail(`--claim needs NAME=VALUE, got "${token.value}"`);
    const raw = token.value.slice(eq + 1);
    let value = raw;
    try {
      value = JSON.parse(raw);
    } catch {
      // not JSON: keep the text
    }
    request.claims[token.value.slice(0, eq)] = value;
  }
}
if (values.mfa) request.amr.push('mfa');
if (values.sub !== undefined) request.sub = values.sub;
if (values.ttl !== undefined) request.ttl = Number(values.ttl);

const base = (values.url ?? `http://localhost:${process.env.PORT || 3000}`).replace(/\/+$/, '');

let response;
try {
  response = await fetch(`${base}/dev/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(request),
  });
} catch (error) {
  fail(`cannot reach ${base} (${error.cause?.code ?? error.message}). Start the sample first: npm run sample`);
}
const body = await response.json().catch(() => ({}));
if (response.status === 404) fail(`${base} has no dev issuer: it runs with a real issuer (ISSUER is set), get tokens from that provider`);
if (!response.ok || typeof body.token !== 'string') fail(`${base}/dev/token answered ${response.status}: ${body.message ?? JSON.stringify(body)}`);
console.log(body.token);
