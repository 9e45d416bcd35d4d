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

/** What answers `healthPath` before the backend, or null when it is not Better Auth's own `/ok`: `answer` for a
 * Node.js server's request, `respond` for a fetch handler's (Bun.serve). */
export function betterAuthHealth(auth, basePath, healthPath) {
  if (healthPath !== `${basePath}/ok`) return null;
  let confirmed = false; // Better Auth has answered the path 200 itself
  const isHealth = (method, target) =>
    (method === "GET" || method === "HEAD") && target.split("?", 1)[0] === healthPath;
  const ask = async (url) => { // GET: Better Auth routes no HEAD
    const answer = await auth.handler(new Request(url));
    confirmed ||= answer.status === 200;
    return answer;
  };
  const failed = (error) => `Better Auth could not answer ${healthPath}: ${error.message ?? error}`;
  return {
    /** Answers the request and returns true, or returns false and leaves it to the backend. */
    answer(request, response) {
      if (!isHealth(request.method, request.url)) return false;
      if (confirmed) {
        response.writeHead(200, HEADERS);
        response.end(request.method === "HEAD" ? undefined : OK);
        return true;
      }
      ask(new URL(request.url, `http://${request.headers.host ?? "localhost"}`))
        .then(async (answer) => {
          const body = request.method === "HEAD" ? undefined : Buffer.from(await answer.arrayBuffer());
          response.writeHead(answer.status, Object.fromEntries(answer.headers));
          response.end(body);
        })
        .catch((error) => {
          response.writeHead(500, { "content-type": "text/plain" });
          response.end(failed(error));
        });
      return true;
    },
    /** The answer (a promise of a Response), or null to leave the request to the backend. */
    respond(request) {
      const url = new URL(request.url);
      if (!isHealth(request.method, url.pathname + url.search)) return null;
      const head = request.method === "HEAD";
      if (confirmed) return Promise.resolve(new Response(head ? null : OK, { headers: HEADERS }));
      return ask(url).then(
        (answer) => (head ? new Response(null, answer) : answer),
        (error) => new Response(failed(error), { status: 500, headers: { "content-type": "text/plain" } }),
      );
    },
  };
}
