// From this Space's Copier template; `copier update` brings its new versions and keeps your edits.
// Docker and Spaces call the health path all the time. Better Auth's production rate limiter would count those
// calls like sign-ins (429 past 100 per 10 s from one address), so the path is exempt; and when it is Better
// Auth's own `<basePath>/ok`, the wrapper answers it as Better Auth does once Better Auth itself has answered
// it 200: a probe then costs no routing, limiter or database work. Until then Better Auth answers, so a schema
// it can't use (its 500, which lasts until a restart) still shows.
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
  let confirmed = false; // Better Auth has answered the path 200 itself
  const isHealth = (request) =>
    (request.method === "GET" || request.method === "HEAD") && request.url.split("?", 1)[0] === healthPath;
  return {
    /** Answers the request and returns true, or returns false and leaves it to Better Auth. */
    answer(request, response) {
      if (!isHealth(request)) return false;
      if (!confirmed) {
        response.once("finish", () => {
          confirmed ||= response.statusCode === 200;
        });
        return false;
      }
      response.writeHead(200, HEADERS);
      response.end(request.method === "HEAD" ? undefined : OK);
      return true;
    },
  };
}
