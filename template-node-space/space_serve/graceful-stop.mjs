// From this Space's Copier template; `copier update` brings its new versions and keeps your edits.
// SIGTERM and SIGINT end the process cleanly even when the backend handles neither: Node as PID 1 has no
// default handler (docker stop would wait 10 s and kill), and Spaces can't run the container with --init.
const GRACE_MS = 800; // in-flight requests get this long; docker stop's own grace is 10 s

/** `beforeExit` runs once the servers are closed (or the grace period is over): the last snapshot. */
export function stopOnSignals(servers, beforeExit = async () => {}) {
  let stopping = false;
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
    process.stderr.write(`space: ${signal}: closing ${servers.size} server(s)\n`);
    setTimeout(exit, GRACE_MS).unref();
    let open = servers.size;
    if (open === 0) exit();
    for (const server of servers) {
      // Stop accepting, drop idle keep-alive connections; busy ones finish within the grace period.
      server.close(() => {
        open -= 1;
        if (open === 0) exit();
      });
      server.closeIdleConnections?.();
    }
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}
