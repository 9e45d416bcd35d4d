// From this Space's Copier template; `copier update` brings its new versions and keeps your edits.
// Holds back every `server.listen()` the backend calls while it loads, so nothing is served before the
// database schema and cookie settings are ready (Better Auth remembers a failed schema check until restart).
import net from "node:net";
import { trustNearestHop } from "./forwarded.mjs";

const originalListen = net.Server.prototype.listen;
export const LOOPBACK = new Set(["localhost", "127.0.0.1", "::1", "[::1]"]);

/** The listen() arguments with a loopback host dropped for the port Spaces routes to (PORT): in a container,
 * 127.0.0.1 is unreachable for Spaces' proxy, and a server written for development often names it. */
function onEveryInterface(args) {
  const [first, second] = args;
  const port = Number(process.env.PORT);
  if (first && typeof first === "object" && Number(first.port) === port && LOOPBACK.has(first.host)) {
    return [{ ...first, host: undefined }, ...args.slice(1)];
  }
  if (Number(first) === port && typeof second === "string" && LOOPBACK.has(second)) {
    return [first, ...args.slice(2)];
  }
  return args;
}

/** The listen() arguments for PORT on loopback only: a local run on the host's own network asks for it
 * (SPACE_LISTEN_HOST), so the server and its real .env values stay on that machine. */
function onLoopback(args) {
  const [first, ...rest] = args;
  if (first && typeof first === "object" && Number(first.port) === Number(process.env.PORT)) {
    return [{ ...first, host: "127.0.0.1" }, ...rest];
  }
  if (Number(first) !== Number(process.env.PORT)) return args;
  const callbacks = rest.filter((arg) => typeof arg === "function");
  return [first, "127.0.0.1", ...callbacks];
}

function listenNow(server, args) {
  trustNearestHop(server);
  if (process.env.SPACE_LISTEN_HOST === "127.0.0.1") return originalListen.apply(server, onLoopback(args));
  const widened = onEveryInterface(args);
  if (widened !== args) {
    process.stderr.write(`space: the server asked to listen on ${args[0]?.host ?? args[1]} only, which Spaces' proxy ` +
      `can't reach from outside the container: it listens on port ${process.env.PORT} on every interface\n`);
  }
  return originalListen.apply(server, widened);
}

/** Every server the backend has asked to listen, held or not: the ones to close on SIGTERM. */
export const servers = new Set();

export function holdListening() {
  let held = [];
  let firstHeldAt;
  let prepare = () => {};
  // http.Server and https.Server inherit listen() from net.Server; patching it reaches them all.
  net.Server.prototype.listen = function listen(...args) {
    servers.add(this);
    if (held === null) {
      prepare(this);
      return listenNow(this, args);
    }
    firstHeldAt ??= Date.now();
    held.push([this, args]);
    return this;
  };
  return {
    /** Listen for real, in the order the backend asked; `prepareServer` sees each server first, and every
     * server that listens later. */
    release(prepareServer = () => {}) {
      const waiting = held;
      held = null;
      prepare = prepareServer;
      for (const [server, args] of waiting) {
        prepare(server);
        listenNow(server, args);
      }
      return waiting.length;
    },
    /** Whether listen() calls are still held back. */
    holding() {
      return held !== null;
    },
    /** Resolves once a listen() has been held for `ms`: the backend then waits on its own listen. */
    stuck(ms) {
      return new Promise((resolve) => {
        const timer = setInterval(() => {
          if (held !== null && firstHeldAt !== undefined && Date.now() - firstHeldAt >= ms) {
            clearInterval(timer);
            resolve();
          }
          if (held === null) clearInterval(timer);
        }, 100);
        timer.unref();
      });
    },
  };
}
