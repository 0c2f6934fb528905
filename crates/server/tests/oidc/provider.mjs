// The OpenID provider that crates/server/tests/sso.rs starts: panva's
// oidc-provider (OpenID Certified), configured with one confidential client
// (the team server) and the test's accounts. The test drives its sign-in
// page as a browser would: GET /interaction/:uid shows a form, POST
// /interaction/:uid/login signs in the account named in `login` and grants
// the scopes the client asked for.
//
//   node provider.mjs '{"client_id": …, "client_secret": …, "redirect_uris": […],
//                       "accounts": {"ada": {"email": …, "email_verified": true, "name": …}}}'
//
// It listens on a free loopback port and prints `issuer http://127.0.0.1:PORT`.
import { createServer } from 'node:http';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import Provider from 'oidc-provider';

const config = JSON.parse(process.argv[2]);
const accounts = config.accounts;

const server = createServer();
await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
const issuer = `http://127.0.0.1:${server.address().port}`;

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const provider = new Provider(issuer, {
  clients: [{
    client_id: config.client_id,
    client_secret: config.client_secret,
    redirect_uris: config.redirect_uris,
    grant_types: ['authorization_code'],
    response_types: ['code'],
  }],
  jwks: { keys: [{ ...privateKey.export({ format: 'jwk' }), kid: 'test-1', use: 'sig', alg: 'RS256' }] },
  cookies: { keys: [randomBytes(32).toString('hex')] },
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
  features: { devInteractions: { enabled: false } },
  pkce: { required: () => true },
  async findAccount(ctx, id) {
    const account = accounts[id];
    if (!account) return undefined;
    return { accountId: id, async claims() { return { sub: id, ...account }; } };
  },
});

function form(res, uid, message) {
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
  res.end(`<!doctype html><title>Test provider</title><p>${message}</p>
<form method="post" action="/interaction/${uid}/login">
<input name="login"><button type="submit">Sign in</button></form>`);
}

async function body(req) {
  let text = '';
  for await (const chunk of req) text += chunk;
  return new URLSearchParams(text);
}

const callback = provider.callback();
server.on('request', async (req, res) => {
  const m = req.url.match(/^\/interaction\/([^/?]+)(\/login)?/);
  if (!m) return callback(req, res);
  try {
    const details = await provider.interactionDetails(req, res);
    if (req.method === 'GET') return form(res, m[1], 'Sign in to the test provider');
    const login = (await body(req)).get('login');
    if (!accounts[login]) return form(res, m[1], `No account ${login}`);
    const grant = new provider.Grant({ accountId: login, clientId: details.params.client_id });
    grant.addOIDCScope(details.params.scope);
    const grantId = await grant.save();
    await provider.interactionFinished(req, res,
      { login: { accountId: login }, consent: { grantId } },
      { mergeWithLastSubmission: false });
  } catch (e) {
    res.writeHead(400, { 'content-type': 'text/plain' });
    res.end(String(e));
  }
});

console.log(`issuer ${issuer}`);
