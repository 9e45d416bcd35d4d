// From this Space's Copier template; `copier update` brings its new versions and keeps your edits.
// The client's address and scheme as Spaces' proxy, the nearest hop, forwards them: the last entry of
// X-Forwarded-For and X-Forwarded-Proto, the one that proxy adds. Entries to its left come from the client, who can
// write anything there, so the server never sees them (Better Auth's rate limits and sessions key on the address).
const NAMES = ["x-forwarded-for", "x-forwarded-proto"];
const TRUSTING = Symbol("space: nearest hop only");

function keepNearestHop(request) {
  for (const name of NAMES) {
    const value = request.headers[name]; // Node joins repeated lines with ", "
    if (value === undefined) continue;
    const kept = String(value).split(",").at(-1).trim();
    request.headers[name] = kept;
    // rawHeaders too: some servers (Hono's Node adapter) build their headers from it.
    const raw = request.rawHeaders;
    for (let i = raw.length - 2; i >= 0; i -= 2) {
      if (raw[i].toLowerCase() === name) raw.splice(i, 2);
    }
    raw.push(name, kept);
  }
}

/** Before the server's own handlers see a request or an upgrade, only the nearest hop's entries are left. */
export function trustNearestHop(server) {
  if (server[TRUSTING]) return;
  server[TRUSTING] = true;
  server.prependListener("request", keepNearestHop);
  server.prependListener("upgrade", keepNearestHop);
}
