import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";

const backendDir = fileURLToPath(new URL("../../../", import.meta.url));
const startupTimeoutMs = 20_000;

export type RunningBackend = {
  baseURL: string;
  output: () => string;
  stop: () => Promise<void>;
};

export async function freeLoopbackPort(): Promise<number> {
  const probe = createServer();
  probe.listen(0, "127.0.0.1");
  await once(probe, "listening");
  const address = probe.address();
  probe.close();
  if (address === null || typeof address === "string") throw new Error("could not read the probe's port");
  return address.port;
}

/** Starts auth-server.ts as the team does in production, in its own Node process, with only the given database settings. */
export async function startBackend(databaseEnv: Record<string, string>): Promise<RunningBackend> {
  const port = await freeLoopbackPort();
  const baseURL = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, ["auth-server.ts"], {
    cwd: backendDir,
    env: {
      PATH: process.env.PATH,
      PORT: String(port),
      BETTER_AUTH_SECRET: "test-secret-0123456789abcdefghijklmnopqrstuvwxyz",
      BETTER_AUTH_URL: baseURL,
      TRUSTED_ORIGINS: "https://app.example.test, https://admin.example.test",
      ...databaseEnv,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));

  await waitUntilAnswering(baseURL, child, () => output);
  return {
    baseURL,
    output: () => output,
    stop: () => stopProcess(child),
  };
}

async function waitUntilAnswering(baseURL: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + startupTimeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`auth-server.ts exited with code ${child.exitCode} before answering:\n${output()}`);
    }
    try {
      // Any HTTP answer means the server is up; the tests judge the status themselves.
      await fetch(`${baseURL}/`);
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  await stopProcess(child);
  throw new Error(`auth-server.ts did not answer on ${baseURL} within ${startupTimeoutMs} ms:\n${output()}`);
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, "exit");
  child.kill("SIGTERM");
  await exited;
}
