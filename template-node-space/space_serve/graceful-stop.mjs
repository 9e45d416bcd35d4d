// From this Space's Copier template; `copier update` brings its new versions and keeps your edits.
// SIGTERM and SIGINT end the process cleanly even when the backend handles neither: Node as PID 1 has no
// default handler (docker stop would wait 10 s and kill), and Spaces can't run the container with --init.
// From the signal on, new requests are refused at once and the process exits as soon as every request still
// in flight is answered or its client has gone, within GRACE_MS.
const GRACE_MS = 800; // docker stop's own grace is 10 s
const STOPPING = JSON.stringify({ status: "stopping" });
const STOPPED_HEADERS = {
  "content-type": "application/json",
  "content-length": String(Buffer.byteLength(STOPPING)),
  connection: "close",
  "retry-after": "1",
};

const inFlight = new Set();
const guarded = new WeakSet();
const queues = new Set();
let stopping = false;
let drained = () => {};

/** Sees every request of an HTTP server before the backend: `health` answers the health path here, `queue`
 * holds back the requests it takes, and requests are counted while they run, so a stop waits for them only. */
export function guardRequests(server, { health = null, queue = null } = {}) {
  if (guarded.has(server)) return;
  guarded.add(server);
  if (queue) queues.add(queue);
  const emit = server.emit;
  // emit, not a listener: it stays first even for "request" listeners the backend adds later.
  server.emit = function guardedEmit(event, request, response, ...rest) {
    if (event !== "request") return emit.call(this, event, request, response, ...rest);
    if (stopping) return refuse(response);
    if (health?.answer(request, response)) return true;
    inFlight.add(response);
    response.once("close", () => {
      inFlight.delete(response);
      if (stopping && inFlight.size === 0) drained();
    });
    if (queue?.takes(request)) {
      queue.admit(response, () => emit.call(this, event, request, response, ...rest));
      return true;
    }
    return emit.call(this, event, request, response, ...rest);
  };
}

/** The same guard for a fetch handler (Bun.serve): `guards()` gives the health answer once the start-up is ready. */
export function guardFetch(handler, guards) {
  return async (request, server) => {
    if (stopping) return new Response(STOPPING, { status: 503, headers: STOPPED_HEADERS });
    const health = guards().health?.respond(request);
    if (health) return health;
    const counted = {}; // in flight like a Node.js response, until the handler has answered
    inFlight.add(counted);
    try {
      return await handler(request, server);
    } finally {
      inFlight.delete(counted);
      if (stopping && inFlight.size === 0) drained();
    }
  };
}

function refuse(response) {
  response.writeHead(503, STOPPED_HEADERS);
  response.end(STOPPING);
  return true;
}

/** `beforeExit` runs once the requests in flight are done (or the grace period is over): the last snapshot. */
export function stopOnSignals(servers, beforeExit = async () => {}) {
  let exiting = false;
  const exit = async () => {
    if (exiting) return;
    exiting = true;
    try {
      await beforeExit();
    } finally {
      process.exit(0);
    }
  };
  const stop = (signal) => {
    if (stopping) process.exit(0); // a second signal: don't wait any longer
    stopping = true;
    process.stderr.write(`space: ${signal}: closing ${servers.size} server(s), ${inFlight.size} request(s) in flight\n`);
    setTimeout(exit, GRACE_MS).unref();
    for (const server of servers) {
      server.close(); // no new connections; idle keep-alive ones closed now, busy ones after their answer
      server.closeIdleConnections?.();
    }
    for (const queue of queues) queue.refuseWaiting(refuse);
    for (const response of inFlight) {
      if (response.setHeader && !response.headersSent) response.setHeader("connection", "close");
    }
    if (inFlight.size === 0) exit();
    else drained = exit;
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}
