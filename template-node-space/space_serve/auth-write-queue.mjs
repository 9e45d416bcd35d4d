// From this Space's Copier template; `copier update` brings its new versions and keeps your edits.
// Better Auth's POST routes (sign-in, sign-up, password changes) hash passwords with scrypt on libuv's thread
// pool: 16 MB and ~100 ms of CPU each. At most one per pool thread runs at once and the rest wait here, so a
// flood of sign-ins can't pile up memory, and a stop refuses the waiting ones at once instead of sitting
// through their hashing (a process exit finishes every job already queued on the pool, clients gone or not).

/** Holds back POSTs under Better Auth's `basePath` beyond `size` running at once (default: the pool's size). */
export function authWriteQueue(basePath, size = Number(process.env.UV_THREADPOOL_SIZE) || 4) {
  const prefix = `${basePath}/`;
  let running = 0;
  const waiting = [];
  const run = (response, start) => {
    running += 1;
    response.once("close", () => {
      running -= 1;
      setImmediate(next); // after this round of events: clients that left with this one are seen as gone
    });
    start();
  };
  const next = () => {
    while (running < size && waiting.length > 0) {
      const { response, start } = waiting.shift();
      if (!response.destroyed) run(response, start); // a client that gave up while waiting costs nothing
    }
  };
  return {
    takes: (request) => request.method === "POST" && request.url.startsWith(prefix),
    admit(response, start) {
      if (running < size) run(response, start);
      else waiting.push({ response, start });
    },
    /** Answers every request still waiting with `refuse`: the stop's "no new work". */
    refuseWaiting(refuse) {
      for (const { response } of waiting.splice(0)) if (!response.destroyed) refuse(response);
    },
  };
}
