// From this Space's Copier template; `copier update` brings its new versions and keeps your edits.
// Bun.serve as a backend written for Bun calls it (js_runtime=bun), and a module's `export default { fetch }`, which
// Bun serves itself: each server listens at once, but its requests wait until the start-up is ready (the schema,
// the cookies), then meet the guards Node.js servers get (the health answer, the quick stop).
import { LOOPBACK } from "./deferred-listen.mjs";
import { guardFetch } from "./graceful-stop.mjs";

/** Bun's own choice of port when the options name none. */
const bunPort = (options) =>
  Number(options.port ?? process.env.BUN_PORT ?? process.env.PORT ?? process.env.NODE_PORT ?? 3000);

/** The host for PORT, as deferred-listen.mjs decides it for Node.js: loopback for a local run that asks for it,
 * every interface where the backend names a loopback host (Spaces' proxy can't reach one), else the backend's. */
function hostFor(options) {
  if (bunPort(options) !== Number(process.env.PORT)) return options.hostname;
  if (process.env.SPACE_LISTEN_HOST === "127.0.0.1") return "127.0.0.1";
  if (!LOOPBACK.has(options.hostname)) return options.hostname;
  process.stderr.write(`space: the server asked to listen on ${options.hostname} only, which Spaces' proxy can't ` +
    `reach from outside the container: it listens on port ${process.env.PORT} on every interface\n`);
  return "0.0.0.0";
}

/** Replaces Bun.serve (also what `import { serve } from "bun"` calls: bundle.mjs routes it here); `servers`
 * receives each one as graceful-stop.mjs closes it. */
export function holdBunServe(servers, healthPath) {
  const bun = globalThis.Bun;
  const serve = bun.serve.bind(bun);
  let ready;
  const readiness = new Promise((resolve) => { ready = resolve; });
  let guards = {};
  let count = 0;
  const held = (handle) => {
    const guard = guardFetch(handle, () => guards);
    return async (request, server) => { await readiness; return guard(request, server); };
  };
  // Bun matches `routes` (Elysia hands it all of its own) before `fetch`: their handlers get the same guards.
  const heldRoute = (route) => {
    if (typeof route === "function") return held(route);
    if (route && Object.getPrototypeOf(route) === Object.prototype) { // per method: { GET, POST }
      return Object.fromEntries(Object.entries(route).map(([method, value]) => [method, heldRoute(value)]));
    }
    return route; // a static Response or an HTML bundle
  };
  // What a server's options hand Bun, guarded: `fetch`, and `routes` (Bun matches those first).
  const guarded = (options) => {
    const handler = options.fetch; // read through the prototype too: a Hono app may be handed over whole
    const fetch = held((request, server) => handler.call(options, request, server));
    // Bun's own `routes` option is a plain object; a Hono app handed over whole has a `routes` array of its own.
    const routes = Object.getPrototypeOf(options.routes ?? []) === Object.prototype ? Object.fromEntries(
      Object.entries(options.routes).map(([path, route]) => [path, heldRoute(route)])) : null;
    // The health path over a wildcard route, so the wrapper's answer comes first (the rest reaches the app's fetch).
    if (routes && handler && !(healthPath in routes)) routes[healthPath] = fetch;
    return {
      fetch: { value: handler ? fetch : undefined, enumerable: true }, // routes alone: Bun answers 404 past them
      ...(routes ? { routes: { value: routes, enumerable: true } } : {}),
    };
  };
  bun.serve = function spaceServe(options) {
    const wrapped = Object.create(options, {
      ...guarded(options),
      port: { value: bunPort(options), enumerable: true }, // as Bun chooses it for an entry's default export
      hostname: { value: hostFor(options), enumerable: true },
    });
    const server = serve(wrapped);
    // Elysia reloads its server with its compiled fetch and routes right after listen(): those are guarded too.
    const reload = server.reload.bind(server);
    server.reload = (options) => reload(Object.create(options, guarded(options)));
    count += 1;
    servers.add({ close: () => server.stop(), address: () => ({ port: server.port }) });
    return server;
  };
  return {
    /** How many servers the backend started. */
    count: () => count,
    /** Serves the entry's default export as Bun does when it runs a module whose default export has fetch. */
    serveDefault(exported) {
      if (count === 0 && typeof exported?.fetch === "function") bun.serve(exported);
    },
    /** Lets the requests through, with these guards (health). */
    release(releasedGuards) {
      guards = releasedGuards;
      ready();
      return count;
    },
  };
}
