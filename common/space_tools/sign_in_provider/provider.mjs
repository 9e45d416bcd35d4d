// From this Space's Copier template; `copier update` brings its new versions and keeps your edits.
// The OpenID Connect provider `./space run` starts in place of huggingface.co when hf_oauth is on: a real
// provider (oidc-provider) configured like Hugging Face's, with one page where you pick who signs in.
import { createHash, generateKeyPairSync, randomBytes } from "node:crypto";
import { createServer } from "node:http";
import Provider from "oidc-provider";

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`sign-in provider: ${name} is not set`);
  return value;
};
const issuer = env("ISSUER"); // http://127.0.0.1:<port>, what the app finds in OPENID_PROVIDER_URL
const appOrigin = new URL(env("APP_ORIGIN")).origin;
const scopes = env("SCOPES").split(" ").filter(Boolean);
const expiresIn = Number(env("EXPIRES_IN_S"));
const CLAIMS = {
  openid: ["sub"],
  profile: ["name", "preferred_username", "profile", "picture", "isPro"],
  email: ["email", "email_verified"],
};

// Hugging Face's claims: sub is the account's id, preferred_username its name on the Hub.
const profile = (login) => ({
  sub: createHash("sha256").update(login).digest("hex").slice(0, 24),
  name: login,
  preferred_username: login,
  profile: `${issuer}/${login}`,
  picture: `${issuer}/avatar.svg`,
  email: `${login}@example.com`,
  email_verified: true,
  isPro: false,
});
const accounts = new Map(); // sub -> login, of those who signed in since this provider started

const provider = new Provider(issuer, {
  clients: [{
    client_id: env("CLIENT_ID"),
    client_secret: env("CLIENT_SECRET"),
    redirect_uris: [`${appOrigin}/`],
    post_logout_redirect_uris: [`${appOrigin}/`],
    grant_types: ["authorization_code"],
    response_types: ["code"],
  }],
  scopes: [...new Set(["openid", ...scopes])], // as the Space's OAuth app: only the scopes its front matter names
  // A scope the Space does not declare is neither offered nor granted, and gives no claims.
  claims: Object.fromEntries(Object.entries(CLAIMS).filter(([scope]) => scope === "openid" || scopes.includes(scope))),
  async findAccount(_ctx, sub) {
    const login = accounts.get(sub);
    return login && { accountId: sub, claims: async () => profile(login) };
  },
  interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  pkce: { required: () => false }, // huggingface_hub's client sends none; Better Auth's does, and it is checked
  ttl: { AccessToken: expiresIn, IdToken: expiresIn, Session: expiresIn, Grant: expiresIn },
  cookies: { keys: [randomBytes(32).toString("hex")] },
  // Keys live as long as this process: tokens of an earlier run are never valid again.
  jwks: { keys: [{ ...generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ format: "jwk" }), use: "sig", alg: "RS256" }] },
  async renderError(ctx, out) {
    ctx.type = "html";
    ctx.body = page(`<h1>Sign-in failed</h1><p>${escape(out.error)}: ${escape(out.error_description ?? "")}</p>`);
  },
  features: { devInteractions: { enabled: false }, rpInitiatedLogout: { enabled: true } },
  conformIdTokenClaims: false, // as Hugging Face: the profile claims are in the ID token too
});
provider.proxy = false;
// Spaces accepts any callback path on the Space's own host: so does this provider, on the app's origin only.
provider.Client.prototype.redirectUriAllowed = (uri) => {
  try {
    return new URL(uri).origin === appOrigin;
  } catch {
    return false;
  }
};
provider.Client.prototype.postLogoutRedirectUriAllowed = provider.Client.prototype.redirectUriAllowed;

function escape(text) { return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`); }
function page(body) {
  return `<!doctype html><html><head><meta charset="utf-8"><title>Sign in with Hugging Face (local)</title>
<style>body{font-family:sans-serif;max-width:26rem;margin:3rem auto;padding:0 1rem}input,button{font-size:1rem;padding:.5rem;width:100%;box-sizing:border-box;margin:.3rem 0}</style>
</head><body>${body}</body></html>`;
}

async function interaction(req, res, uid) {
  const details = await provider.interactionDetails(req, res);
  if (req.method === "GET") {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" });
    res.end(page(`<h1>Sign in with Hugging Face</h1>
<p>This run's own provider, in place of huggingface.co: pick the account to sign in as.
<b>${escape(details.params.client_id)}</b> asks for: ${escape(details.params.scope)}.</p>
<form method="post" action="/interaction/${escape(uid)}">
<label>Username <input name="login" value="local-user" required pattern="[A-Za-z0-9][A-Za-z0-9_.-]{0,41}"></label>
<button type="submit">Sign in</button></form>`));
    return;
  }
  const form = new URLSearchParams(await new Promise((resolve) => {
    let body = "";
    req.on("data", (chunk) => { body += chunk; });
    req.on("end", () => resolve(body));
  }));
  const login = (form.get("login") ?? "").trim();
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,41}$/.test(login)) {
    res.writeHead(400, { "content-type": "text/plain" }).end("not a Hugging Face username");
    return;
  }
  const account = profile(login);
  accounts.set(account.sub, login);
  // As on huggingface.co once the user authorized the app: the scopes asked for are granted.
  const grant = new provider.Grant({ accountId: account.sub, clientId: details.params.client_id });
  grant.addOIDCScope(details.params.scope.split(" ").filter((scope) => scope === "openid" || scopes.includes(scope)).join(" "));
  await provider.interactionFinished(req, res, {
    login: { accountId: account.sub },
    consent: { grantId: await grant.save() },
  }, { mergeWithLastSubmission: false });
}

const handle = provider.callback();
const port = Number(new URL(issuer).port);
createServer((req, res) => {
  const path = new URL(req.url, issuer).pathname;
  const uid = path.match(/^\/interaction\/([\w-]+)$/)?.[1];
  if (uid) {
    interaction(req, res, uid).catch((error) => {
      console.error(`sign-in provider: ${error.message}`);
      if (!res.headersSent) res.writeHead(400, { "content-type": "text/plain" }).end(error.message);
    });
  } else if (path === "/avatar.svg") {
    res.writeHead(200, { "content-type": "image/svg+xml" });
    res.end('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"><rect width="1" height="1" fill="#ffd21e"/></svg>');
  } else {
    handle(req, res);
  }
}).listen(port, "127.0.0.1", () => console.log(`sign-in provider at ${issuer}, for ${appOrigin}`));
process.on("SIGTERM", () => process.exit(0));
