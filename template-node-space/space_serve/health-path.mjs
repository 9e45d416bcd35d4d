// From this Space's Copier template; `copier update` brings its new versions and keeps your edits.
// Docker and Spaces call the health path all the time. Better Auth's production rate limiter would count those
// calls like sign-ins (429 past 100 per 10 s from one address), so the path is exempt; and when it is Better
// Auth's own `<basePath>/ok`, the wrapper answers it as Better Auth does, before the request reaches Better
// Auth: a probe then costs no routing, limiter or database work. The port opens only once the schema is
// ready, so an answer means the server is up.
const OK = JSON.stringify({ ok: true });
const HEADERS = { "content-type": "application/json", "content-length": Buffer.byteLength(OK) };

export function exemptHealthPath(context, basePath, healthPath) {
  if (!healthPath.startsWith(`${basePath}/`) || !context.rateLimit) return;
  const path = healthPath.slice(basePath.length);
  context.rateLimit.customRules = { ...context.rateLimit.customRules, [path]: false };
}

/** What answers `healthPath` before the backend, or null when it is not Better Auth's own `/ok`. */
export function betterAuthHealth(basePath, healthPath) {
  if (healthPath !== `${basePath}/ok`) return null;
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
