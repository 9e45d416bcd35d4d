// Drives a running auth server with Better Auth's own client, as a browser page would, and prints what
// happened as one JSON object for the Python tests to judge.
//   node flow.mjs full    '{"baseURL": "...", "origin": "...", "email": "...", "password": "...", "name": "..."}'
//   node flow.mjs sign-in '{"baseURL": "...", "origin": "...", "email": "...", "password": "..."}'
import { randomInt } from "node:crypto";
import { createAuthClient } from "better-auth/client";

/** A client with a cookie jar, an Origin on state-changing calls, and its own client IP. */
function browserLikeClient(baseURL, origin) {
  const cookies = new Map();
  const setCookies = [];
  // Production Better Auth rate-limits sign-in per client IP (from a single-value X-Forwarded-For): each
  // client gets its own address (198.18.0.0/15, a range reserved for tests; only ever a header value).
  const clientIP = `198.${randomInt(18, 20)}.${randomInt(0, 256)}.${randomInt(1, 255)}`;
  const browserFetch = async (input, init = {}) => {
    const method = (init.method ?? "GET").toUpperCase();
    const headers = new Headers(init.headers);
    headers.set("x-forwarded-for", clientIP);
    if (cookies.size > 0) headers.set("cookie", [...cookies].map(([name, value]) => `${name}=${value}`).join("; "));
    if (method !== "GET" && method !== "HEAD") headers.set("origin", origin);
    const response = await fetch(input, { ...init, headers });
    for (const line of response.headers.getSetCookie()) {
      setCookies.push(line);
      const [pair = ""] = line.split(";");
      const name = pair.slice(0, pair.indexOf("=")).trim();
      const value = pair.slice(pair.indexOf("=") + 1).trim();
      if (value === "" || /;\s*max-age=0\s*(;|$)/i.test(line)) cookies.delete(name);
      else cookies.set(name, value);
    }
    return response;
  };
  return {
    client: createAuthClient({ baseURL, fetchOptions: { customFetchImpl: browserFetch } }),
    cookieNames: () => [...cookies.keys()],
    setCookies,
  };
}

const outcome = ({ data, error }) => ({
  ok: error === null,
  status: error?.status ?? 200,
  code: error?.code ?? null,
  email: data?.user?.email ?? null,
});

async function full({ baseURL, origin, email, password, name }) {
  const report = {};
  const newcomer = browserLikeClient(baseURL, origin);
  report.signUp = outcome(await newcomer.client.signUp.email({ email, password, name }));
  report.sessionAfterSignUp = outcome(await newcomer.client.getSession());
  report.signOut = outcome(await newcomer.client.signOut());
  report.sessionAfterSignOut = outcome(await newcomer.client.getSession());

  const returning = browserLikeClient(baseURL, origin);
  report.signIn = outcome(await returning.client.signIn.email({ email, password }));
  report.cookiesAfterSignIn = returning.cookieNames();
  report.setCookiesOfSignIn = [...returning.setCookies];
  report.session = outcome(await returning.client.getSession());
  report.finalSignOut = outcome(await returning.client.signOut());

  const intruder = browserLikeClient(baseURL, origin);
  report.wrongPassword = outcome(await intruder.client.signIn.email({ email, password: `${password}-wrong` }));
  report.cookiesAfterWrongPassword = intruder.cookieNames();
  return report;
}

async function signIn({ baseURL, origin, email, password }) {
  const returning = browserLikeClient(baseURL, origin);
  const report = { signIn: outcome(await returning.client.signIn.email({ email, password })) };
  report.session = outcome(await returning.client.getSession());
  return report;
}

const scenarios = { full, "sign-in": signIn };
const [scenario, args] = process.argv.slice(2);
if (!(scenario in scenarios)) {
  console.error(`usage: node flow.mjs (${Object.keys(scenarios).join("|")}) '<json arguments>'`);
  process.exit(2);
}
console.log(JSON.stringify(await scenarios[scenario](JSON.parse(args))));
