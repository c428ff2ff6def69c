// A local OpenID Connect provider standing in for Entra ID: RS256 keys, discovery, authorize (auto-approves), token,
// end session. Tokens carry the claims Entra would: oid, tid, roles, groups, preferred_username, name, ver.
//
// One user, plain HTTP, endpoints at the root (the in-process sign-in test):
//   node server.mjs <tenantId> <oid> <role> <group>
// Entra-shaped (the browser test): node server.mjs --config <file.json> with
//   { "tenantId": "...", "key": "key.pem", "cert": "cert.pem",            // HTTPS, as Entra
//     "users": { "alice": { "oid": "...", "name": "...", "preferred_username": "...", "roles": [], "groups": [] } } }
//   Endpoints and issuer live under /<tenantId>/v2.0, as Entra's do, so the app derives the authority from
//   Instance + TenantId exactly as it does for Entra. Who signs in is the provider's own session: GET
//   /<tenantId>/v2.0/session?user=alice sets it (standing in for Entra's login page), /authorize then approves as
//   that user without a prompt, and end-session clears it. response_mode=form_post is answered with an
//   auto-submitting form, as Entra does.
// Prints "listening <issuer url>" when ready; stops when stdin closes.
import { createServer as createHttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { readFileSync } from 'node:fs';
import { OAuth2Issuer, OAuth2Service } from 'oauth2-mock-server';

const args = process.argv.slice(2);
const config = args[0] === '--config'
  ? JSON.parse(readFileSync(args[1], 'utf8'))
  : { tenantId: args[0], users: { default: { oid: args[1], roles: [args[2]], groups: [args[3]], preferred_username: 'erin@contoso.test', name: 'Erin Entra' } } };
const single = args[0] !== '--config';
const prefix = single ? '' : `/${config.tenantId}/v2.0`;
const sessionCookie = 'idp_session';

const issuer = new OAuth2Issuer();
await issuer.keys.generate('RS256');
const service = new OAuth2Service(issuer);
const userByCode = new Map();

const cookies = (req) => Object.fromEntries((req.headers.cookie ?? '').split(';')
  .map((c) => c.trim().split('=')).filter(([k]) => k).map(([k, v]) => [k, decodeURIComponent(v ?? '')]));
const sessionUser = (req) => single ? 'default' : cookies(req)[sessionCookie];

service.on('beforeAuthorizeRedirect', ({ url }, req) => {
  const code = url.searchParams.get('code');
  if (code) userByCode.set(code, sessionUser(req));
});
service.on('beforeTokenSigning', (token, req) => {
  const user = config.users[userByCode.get(req.body?.code)];
  if (!user) return; // the token request fails claim-less: the app refuses it
  Object.assign(token.payload, {
    oid: user.oid, tid: config.tenantId, sub: user.oid, roles: user.roles ?? [], groups: user.groups ?? [],
    preferred_username: user.preferred_username, name: user.name, ver: '2.0',
  });
});

const html = (res, status, body) => {
  res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(`<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Local OpenID Connect provider</title></head><body>${body}</body></html>`);
};
const escape = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

// Entra answers response_mode=form_post with a page that POSTs code and state back to the app.
function answerWithFormPost(res) {
  const setHeader = res.setHeader.bind(res);
  const end = res.end.bind(res);
  let location;
  res.setHeader = (name, value) => {
    if (name.toLowerCase() === 'location') location = value; else setHeader(name, value);
    return res;
  };
  res.end = (...rest) => {
    if (res.statusCode !== 302 || !location) return end(...rest);
    const target = new URL(location);
    const fields = [...target.searchParams].map(([k, v]) => `<input type="hidden" name="${escape(k)}" value="${escape(v)}">`).join('');
    target.search = '';
    res.statusCode = 200;
    res.setHeader = setHeader;
    res.end = end;
    return html(res, 200, `<form method="post" action="${escape(target.href)}">${fields}<noscript><button>Continue</button></noscript></form>` +
      '<script>document.forms[0].submit()</script>');
  };
}

function handle(req, res) {
  const url = new URL(req.url ?? '/', 'http://provider');
  if (prefix && !url.pathname.startsWith(prefix + '/')) return html(res, 404, 'Not found');
  const path = url.pathname.slice(prefix.length);
  if (!single && path === '/session') {
    const user = url.searchParams.get('user') ?? '';
    if (!config.users[user]) return html(res, 400, `Unknown user ${escape(user)}`);
    res.setHeader('Set-Cookie', `${sessionCookie}=${encodeURIComponent(user)}; Path=/; Secure; HttpOnly; SameSite=None`);
    return html(res, 200, `<p data-testid="idp-session">Signed in at the provider as ${escape(user)}.</p>`);
  }
  if (!single && path === '/authorize') {
    if (!config.users[sessionUser(req)]) return html(res, 401, '<p data-testid="idp-login">No session at the provider: sign in first.</p>');
    if (url.searchParams.get('response_mode') === 'form_post') answerWithFormPost(res);
  }
  if (!single && path === '/endsession') res.setHeader('Set-Cookie', `${sessionCookie}=; Path=/; Secure; HttpOnly; SameSite=None; Max-Age=0`);
  req.url = path + url.search;
  return service.requestHandler(req, res);
}

const server = config.key
  ? createHttpsServer({ key: readFileSync(config.key), cert: readFileSync(config.cert) }, handle)
  : createHttpServer(handle);
await new Promise((resolve, reject) => server.listen(0, '127.0.0.1').on('listening', resolve).on('error', reject));
const port = server.address().port;
// The single-user form keeps the issuer the in-process test expects (http://localhost:port).
issuer.url = single ? `http://localhost:${port}` : `${config.key ? 'https' : 'http'}://127.0.0.1:${port}${prefix}`;
console.log(`listening ${issuer.url}`);
process.stdin.resume();
process.stdin.on('end', () => server.close(() => process.exit(0)));
