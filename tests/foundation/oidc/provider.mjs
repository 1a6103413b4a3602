// A real OpenID Provider (panva's oidc-provider) on 127.0.0.1 for elshi's single sign-on tests.
// Started by tests/foundation/sso_provider.py:
//   node provider.mjs PORT REDIRECT_URI[,REDIRECT_URI...]
// It prints "ready ISSUER" on stdout once it listens. The quick-start login and consent pages
// (devInteractions) take any login name with any password; the accounts below decide the claims.
// Plain http on loopback: the issuer is http://127.0.0.1:PORT, which oidc-provider serves with a
// warning only; its cookies are then not "secure", which is what a loopback test needs.
import { createRequire } from 'node:module';
import path from 'node:path';

const moduleDir = process.env.ELSHI_OIDC_DIR || path.join(process.env.HOME, '.cache/elshi/oidc');
const require = createRequire(path.join(moduleDir, 'node_modules/'));
const { default: Provider } = await import(require.resolve('oidc-provider'));

const [port, redirects] = process.argv.slice(2);
const issuer = `http://127.0.0.1:${port}`;

// Login name -> claims. "diana" is in a mapped group; "ulan" has an unverified address;
// "nomad" is verified but in no group elshi maps.
const ACCOUNTS = {
  diana: { email: 'diana@mfa.example', email_verified: true, groups: ['kz-mfa-berlin-editors', 'staff'] },
  ulan: { email: 'ulan@mfa.example', email_verified: false, groups: ['kz-mfa-berlin-editors'] },
  nomad: { email: 'nomad@mfa.example', email_verified: true, groups: ['staff'] },
  retired: { email: 'retired@mfa.example', email_verified: true, groups: ['kz-mfa-berlin-editors'] },
};

const provider = new Provider(issuer, {
  clients: [{
    client_id: 'elshi',
    client_secret: 'elshi-test-secret-0123456789abcdef',
    redirect_uris: redirects.split(','),
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_post',
  }],
  claims: { openid: ['sub'], email: ['email', 'email_verified'], groups: ['groups'] },
  // PKCE for every client, not only public ones: a code exchanged without its verifier is refused.
  pkce: { required: () => true },
  cookies: { keys: ['elshi-test-cookie-key'] },
  async findAccount(ctx, id) {
    const account = ACCOUNTS[id];
    if (!account) return undefined;
    return { accountId: id, async claims() { return { sub: id, ...account }; } };
  },
});
provider.proxy = false;
provider.listen(Number(port), '127.0.0.1', () => {
  process.stdout.write(`ready ${issuer}\n`);
});
