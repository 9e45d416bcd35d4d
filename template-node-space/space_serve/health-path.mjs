// From this Space's Copier template; `copier update` brings its new versions and keeps your edits.
// Docker and Spaces call the health path all the time. Better Auth's production rate limiter would count those
// calls like sign-ins (429 past 100 per 10 s from one address), so the path is exempt; and when it is Better
// Auth's own `<basePath>/ok`, the wrapper answers it: with Better Auth's own handler until that has answered 200
// (wherever the backend mounts Better Auth, or whether it does: some call only `auth.api` from their own routes),
// so a schema it can't use (its 500, which lasts until a restart) still shows; then as Better Auth does, so a probe
// costs no routing, limiter or database work.
const OK = JSON.stringify({ ok: true });
const HEADERS = { "content-type": "application/json", "content-length": Buffer.byteLength(OK) };

export function exemptHealthPath(context, basePath, healthPath) {
  if (!healthPath.startsWith(`${basePath}/`) || !context.rateLimit) return;
  const path = healthPath.slice(basePath.length);
  context.rateLimit.customRules = { ...context.rateLimit.customRules, [path]: false };
}

/** What answers `healthPath` before the backend, or null when it is not Better Auth's own `/ok`. */
export function betterAuthHealth(auth, basePath, healthPath) {
  if (healthPath !== `${basePath}/ok`) return null;
  let confirmed = false; // Better Auth has answered the path 200 itself
  const isHealth = (request) =>
    (request.method === "GET" || request.method === "HEAD") && request.url.split("?", 1)[0] === healthPath;
  return {
    /** Answers the request and returns true, or returns false and leaves it to the backend. */
    answer(request, response) {
      if (!isHealth(request)) return false;
      if (confirmed) {
        response.writeHead(200, HEADERS);
        response.end(request.method === "HEAD" ? undefined : OK);
        return true;
      }
      const url = new URL(request.url, `http://${request.headers.host ?? "localhost"}`);
      Promise.resolve(auth.handler(new Request(url))) // GET: Better Auth routes no HEAD
        .then(async (answer) => {
          confirmed ||= answer.status === 200;
          const body = request.method === "HEAD" ? undefined : Buffer.from(await answer.arrayBuffer());
          response.writeHead(answer.status, Object.fromEntries(answer.headers));
          response.end(body);
        })
        .catch((error) => {
          response.writeHead(500, { "content-type": "text/plain" });
          response.end(`Better Auth could not answer ${healthPath}: ${error.message ?? error}`);
        });
      return true;
    },
  };
}
