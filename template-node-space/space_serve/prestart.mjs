// From this Space's Copier template; `copier update` brings its new versions and keeps your edits.
// The Space's pre-start command (space.json `prestart`, e.g. `prisma migrate deploy`), run before the server loads.
import { spawn } from "node:child_process";
import { delimiter, join } from "node:path";
import { fail } from "./environment.mjs";

/** Run it in the backend's folder with its dependencies' commands on PATH, as in development; stop if it fails. */
export async function runPrestart(command, folder) {
  process.stderr.write(`space: pre-start: ${command}\n`);
  const started = performance.now();
  const path = [join(folder, "node_modules", ".bin"), process.env.PATH].filter(Boolean).join(delimiter);
  const child = spawn("/bin/sh", ["-c", command], { cwd: folder, env: { ...process.env, PATH: path }, stdio: "inherit" });
  // docker stop during a long migration: pass the signal on, so the command can end cleanly.
  const forward = (signal) => child.kill(signal);
  process.on("SIGTERM", forward);
  const code = await new Promise((resolve) => {
    child.on("error", (error) => resolve(error.code ?? 127));
    child.on("exit", (status, signal) => resolve(status ?? signal));
  });
  process.off("SIGTERM", forward);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  if (code !== 0) {
    fail(
      `the pre-start command \`${command}\` failed (exit ${code}) after ${seconds} s; its output is above. ` +
        "The server was not started: fix the command or the answer prestart.",
    );
  }
  process.stderr.write(`space: pre-start done in ${seconds} s\n`);
}
