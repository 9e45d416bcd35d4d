// From this Space's Copier template; `copier update` brings its new versions and keeps your edits.
// Better Auth's own health route (`<basePath>/ok`), answered by the wrapper as Better Auth answers it, before
// the request reaches Better Auth: probes then cost no routing, rate limiting or database work. The port
// opens only once the schema is ready, so an answer means the server is up.
const OK = JSON.stringify({ ok: true });
const HEADERS = { "content-type": "application/json", "content-length": Buffer.byteLength(OK) };

/** What answers `healthPath` before the backend, or null when it is not Better Auth's own `/ok`. */
export async function betterAuthHealth(auth, healthPath) {
  const context = await auth.$context;
  const base = (context.options.basePath ?? "/api/auth").replace(/\/$/, "");
  if (healthPath !== `${base}/ok`) return null;
  return {
    answers: (request) =>
      (request.method === "GET" || request.method === "HEAD") && request.url.split("?", 1)[0] === healthPath,
    answer(request, response) {
      response.writeHead(200, HEADERS);
      response.end(request.method === "HEAD" ? undefined : OK);
      return true;
    },
  };
}
