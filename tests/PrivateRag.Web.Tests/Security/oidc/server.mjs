// A local OpenID Connect provider standing in for Entra ID: RS256 keys, discovery, authorize (auto-approves), token.
// Tokens carry the claims Entra would: oid, tid, roles, groups, preferred_username, name.
// Usage: node server.mjs <tenantId> <oid> <role> <group>; prints "listening <url>" when ready.
import { OAuth2Server } from 'oauth2-mock-server';

const [tenantId, oid, role, group] = process.argv.slice(2);
const server = new OAuth2Server();
await server.issuer.keys.generate('RS256');
server.service.on('beforeTokenSigning', (token) => {
  Object.assign(token.payload, {
    oid, tid: tenantId, sub: oid, roles: [role], groups: [group],
    preferred_username: 'erin@contoso.test', name: 'Erin Entra', ver: '2.0',
  });
});
await server.start(0, '127.0.0.1');
console.log(`listening ${server.issuer.url}`);
process.stdin.resume();
process.stdin.on('end', async () => { await server.stop(); process.exit(0); });
