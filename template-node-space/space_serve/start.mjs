// From this Space's Copier template; `copier update` brings its new versions and keeps your edits.
// Entry point of the image. Checks the environment, restores the databases (storage=bucket), runs the pre-start
// command, loads the backend's server with
// its listen() held back, creates or migrates the database schema, sets the cookie attributes and exempts the
// health path from rate limiting, and only then lets it listen, answering Better Auth's health route itself.
import { fileURLToPath } from "node:url";
import { holdListening, servers } from "./deferred-listen.mjs";
import { checkEnvironment, fail } from "./environment.mjs";
import { guardRequests, stopOnSignals } from "./graceful-stop.mjs";
import * as settings from "./settings.mjs";
import { keeper } from "./storage.mjs";

const STUCK_MS = 10_000; // a backend that awaits its own listen() at top level would otherwise wait forever
const STUCK = `${settings.ENTRY_FILE} waits for its own server to listen while it loads (a top-level await); ` +
  "the schema must be ready first: don't await listen() at the top level of the entry file.";

checkEnvironment(settings);
// The databases are restored before anything opens them: the pre-start command and the backend.
const keeping = keeper(settings.SPACE);
if (settings.PRESTART) {
  const { runPrestart } = await import("./prestart.mjs");
  // The Dockerfile copies the backend's folder, with its production node_modules, beside this file.
  await runPrestart(settings.PRESTART, fileURLToPath(new URL("./backend/", import.meta.url)));
}
keeping?.prepare(); // WAL before the first request: switching while the app writes could fail a write
stopOnSignals(servers, async () => keeping?.stop());
const hold = holdListening();
// Under Bun (js_runtime=bun): Bun.serve and an entry's `export default { fetch }` are held as well.
const bunServe = globalThis.Bun
  ? (await import("./bun-serve.mjs")).holdBunServe(servers, settings.HEALTH_PATH) : null;
// With nothing else pending, Node itself ends such a load with code 13 ("unsettled top-level await").
process.on("exit", (code) => {
  if (code === 13 && hold.holding()) {
    process.stderr.write(`space: ${STUCK}\n`);
    process.exitCode = 78;
  }
});
const backend = await Promise.race([settings.loadEntry(), hold.stuck(STUCK_MS).then(() => fail(STUCK))]);
bunServe?.serveDefault(backend.default);

// The instance the entry exports, else every one betterAuth() made while the backend loaded, in whichever module:
// a server may make one for the Better Auth CLI beside the one it serves, and both then get the schema and cookies.
const { instances } = await import("./better-auth-instances.mjs"); // loaded with the backend: the same module
const exported = backend.auth ?? backend.default?.auth;
const auths = exported ? [exported] : instances;
const isAuth = auths.length > 0 &&
  auths.every((auth) => typeof auth?.$context?.then === "function" && typeof auth.options === "object");
if ((settings.MIGRATE_ON_START || settings.IFRAME) && !isAuth) {
  fail(
    `${settings.ENTRY_FILE} made no betterAuth(...) instance while loading, which migrate_on_start and iframe need: ` +
      "create it when the module loads (`const auth = betterAuth({...})`, in any file the entry imports); or answer " +
      "migrate_on_start=false and iframe=false.",
  );
}
if (settings.MIGRATE_ON_START) {
  const { migrateSchema, unmigratable } = await import("./migrate.mjs");
  const problem = auths.map((auth) => unmigratable(auth.options)).find(Boolean);
  if (problem) {
    fail(
      `migrate_on_start: ${settings.ENTRY_FILE}'s betterAuth() ${problem}, which Better Auth's migration can't ` +
        "create tables for: migrate with that database's own tool and answer migrate_on_start=false.",
    );
  }
  try {
    const changes = [];
    for (const auth of auths) {  // one after another: the second finds the first's tables
      const { created, altered } = await migrateSchema(auth);
      changes.push(...created.map((t) => `created ${t}`), ...altered.map((t) => `altered ${t}`));
    }
    process.stderr.write(`space: database schema ${changes.length ? changes.join(", ") : "up to date"}\n`);
  } catch (error) {
    const reason = error.message || error.code || String(error);
    const hint = settings.DATABASE !== "sqlite" ? " (from a Space, only ports 80, 443 and 8080 are reachable)" : "";
    fail(`could not create or migrate the database schema: ${reason}${hint}.`);
  }
}
if (settings.IFRAME) {
  const { useIframeCookies } = await import("./iframe-cookies.mjs");
  for (const auth of auths) await useIframeCookies(auth);
}
const guards = {};
if (isAuth) {
  const { exemptHealthPath, betterAuthHealth } = await import("./health-path.mjs");
  const { authWriteQueue } = await import("./auth-write-queue.mjs");
  const contexts = await Promise.all(auths.map((auth) => auth.$context));
  const basePaths = new Set(contexts.map((context) => (context.options.basePath ?? "/api/auth").replace(/\/$/, "")));
  for (const context of contexts) {
    for (const basePath of basePaths) exemptHealthPath(context, basePath, settings.HEALTH_PATH);
  }
  if (basePaths.size === 1) { // instances under different paths: which one serves is the backend's to say
    const [basePath] = basePaths;
    guards.health = betterAuthHealth(auths[0], basePath, settings.HEALTH_PATH);
    guards.queue = authWriteQueue(basePath); // Node.js's thread pool only: Bun's servers take no queue
  }
}
keeping?.prepare(); // again: a database the backend or the migration just made is in WAL before the port opens
// HTTP servers get the wrapper's health answer, the sign-in queue and their requests counted for a quick stop.
const isHttp = (server) => typeof server.closeIdleConnections === "function";
const started = hold.release((server) => isHttp(server) && guardRequests(server, guards)) +
  (bunServe?.release(guards) ?? 0);
if (started === 0) {
  process.stderr.write(`space: warning: ${settings.ENTRY_FILE} loaded but started no server (server.listen).\n`);
} else {
  // Spaces routes app_port only: a server on another port would time out there after startup_duration_timeout.
  setTimeout(() => {
    const ports = [...servers].map((server) => server.address()?.port).filter(Boolean);
    if (ports.length > 0 && !ports.includes(Number(process.env.PORT))) {
      fail(
        `${settings.ENTRY_FILE} listens on port ${ports.join(", ")}, not on PORT (${process.env.PORT}), the only ` +
          "port Spaces routes to: listen on Number(process.env.PORT).",
      );
    }
  }, 1000).unref();
}
