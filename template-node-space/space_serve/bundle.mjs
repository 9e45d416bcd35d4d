// From this Space's Copier template; `copier update` brings its new versions and keeps your edits.
// Builds the image's one ESM bundle of the start-up wrapper and the backend's server (TypeScript stripped,
// dependencies inlined), split so the environment check runs before the server's code loads.
// Run in the image's build stage: node bundle.mjs <esbuild and TypeScript's folder> <backend folder> <output
// folder>; the health check goes beside the output folder.
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync }
  from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { decoratorMetadata } from "./decorator-metadata.mjs";

const [toolsFolder, backend, outdir] = process.argv.slice(2).map((path) => resolve(path));
const requireTool = createRequire(join(toolsFolder, "package.json"));
const esbuild = requireTool("esbuild");
const here = dirname(fileURLToPath(import.meta.url));
const space = JSON.parse(readFileSync(join(here, "..", "space.json"), "utf8"));

// The entry file named in space.json, under the import name settings.mjs loads it by.
const backendEntry = {
  name: "space-backend-entry",
  setup(build) {
    build.onResolve({ filter: /^space:backend-entry$/ }, () => ({ path: join(backend, space.entry_file) }));
  },
};

// Packages that load compiled code (`.node` add-ons, node-gyp builds) or generated clients (Prisma) can't be
// inlined: then every dependency stays in node_modules, which ships beside the bundle.
const modules = join(backend, "node_modules");
const GENERATED = new Set(["@prisma/client", ".prisma"]);

function compiled(folder, depth = 0) {
  for (const item of readdirSync(folder, { withFileTypes: true })) {
    if (item.isFile() && (item.name.endsWith(".node") || item.name === "binding.gyp")) return true;
    if (item.isDirectory() && depth < 4 && item.name !== "node_modules" && compiled(join(folder, item.name), depth + 1)) {
      return true;
    }
  }
  return false;
}

function packagesNeedingNodeModules() {
  if (!existsSync(modules)) return [];
  const names = readdirSync(modules).flatMap((name) =>
    name.startsWith("@") ? readdirSync(join(modules, name)).map((inner) => `${name}/${inner}`) : [name],
  );
  return names.filter((name) => GENERATED.has(name) || (!name.startsWith(".") && compiled(join(modules, name))));
}

// The Prisma client the code imports, written by `prisma generate` from the schema space.json names, with the CLI of
// the installed @prisma/client's version, fetched for this step only: the image never holds it.
function generatePrismaClient() {
  const client = join(modules, "@prisma", "client", "package.json");
  if (!existsSync(client)) {
    process.stderr.write(`error: prisma_schema is ${space.prisma_schema}, but @prisma/client is not among the ` +
      "installed dependencies: run `npm install @prisma/client` in the backend.\n");
    process.exit(1);
  }
  const { version } = JSON.parse(readFileSync(client, "utf8"));
  const cli = mkdtempSync(join(tmpdir(), "prisma-cli-"));
  const quiet = { stdio: ["ignore", "inherit", "inherit"] };
  execFileSync("npm", ["install", "--prefix", cli, "--no-audit", "--no-fund", "--no-package-lock", "--ignore-scripts",
    "--loglevel=error", `prisma@${version}`], quiet);
  // generate reads the schema only: a placeholder engine spares fetching the schema engine, which migrations run.
  const noEngine = join(cli, "no-schema-engine");
  writeFileSync(noEngine, "#!/bin/sh\nexit 1\n", { mode: 0o755 });
  // Run outside the backend, so its prisma.config.ts (which may need the Space's Secrets) is not loaded.
  try {
    execFileSync(process.execPath, [join(cli, "node_modules", "prisma", "build", "index.js"), "generate", "--schema",
      join(backend, space.prisma_schema)], { ...quiet, cwd: cli,
      env: { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: noEngine, PRISMA_HIDE_UPDATE_MESSAGE: "1",
        CHECKPOINT_DISABLE: "1" } });
  } catch {
    process.stderr.write(`error: prisma ${version} generate failed on ${space.prisma_schema} (its own lines ` +
      "above say why).\n");
    process.exit(1);
  }
  rmSync(cli, { recursive: true, force: true });
}

if (space.prisma_schema) generatePrismaClient();
const native = packagesNeedingNodeModules();
// A server that asks for decorator metadata (NestJS and the like) also loads packages by a name computed at run time
// (Nest's optional packages, an adapter's `require("express")`), which no bundle holds: its node_modules ship too.
const metadata = decoratorMetadata(() => requireTool("typescript"), backend);
const shipModules = native.length > 0 || metadata !== null;

// Better Auth's programmatic migration, where the backend's version keeps it (1.5 moved it out of better-auth/db).
const betterAuthMigrations = {
  name: "space-better-auth-migrations",
  setup(build) {
    build.onResolve({ filter: /^space:better-auth-migrations$/ }, async () => {
      const manifest = join(modules, "better-auth", "package.json");
      if (!existsSync(manifest)) {
        return { errors: [{ text: "better-auth is not among the backend's installed dependencies" }] };
      }
      // Read from its exports, not by resolving: with packages left external every subpath would seem to resolve.
      const exported = JSON.parse(readFileSync(manifest, "utf8")).exports ?? {};
      const subpath = "./db/migration" in exported ? "better-auth/db/migration" : "better-auth/db";
      if (shipModules) return { path: subpath, external: true };
      const found = await build.resolve(subpath, { kind: "import-statement", resolveDir: backend });
      return found.errors.length ? { errors: found.errors } : { path: found.path };
    });
  },
};

// A dependency's import of a package nobody installed (an optional peer, e.g. react for @react-email/render's
// dynamic import) stays an import, as Node would leave it: it fails only if that code runs. The backend's own
// imports of a missing package still fail the build.
const unresolvedPeers = new Set();
const optionalPeers = {
  name: "space-optional-peers",
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, async (args) => {
      if (args.pluginData?.probe || !args.importer.includes("/node_modules/") || /^(node|space):/.test(args.path)) {
        return undefined;
      }
      const probe = { kind: args.kind, resolveDir: args.resolveDir, pluginData: { probe: true } };
      const found = await build.resolve(args.path, probe);
      if (found.errors.length === 0) {
        return { path: found.path, external: found.external, sideEffects: found.sideEffects };
      }
      unresolvedPeers.add(args.path);
      return { path: args.path, external: true };
    });
  },
};

/** The file Node imports for a package folder: its exports' "." (import, node, default conditions), else main. */
function packageEntry(folder) {
  const manifest = JSON.parse(readFileSync(join(folder, "package.json"), "utf8"));
  let target = manifest.exports?.["."] ?? manifest.exports ?? manifest.module ?? manifest.main ?? "index.js";
  while (target && typeof target === "object") target = target.import ?? target.node ?? target.default;
  return join(folder, target);
}

// The backend's `import ... from "better-auth"` gets a module with better-auth's exports by name (esbuild can't
// bind names through `export *` of a package left external) and betterAuth from better-auth-instances.mjs, which
// records every instance: the start-up then finds the backend's `auth` wherever it lives.
const instancesShim = join(here, "better-auth-instances.mjs");
const betterAuthInstances = {
  name: "space-better-auth-instances",
  setup(build) {
    const real = { kind: "import-statement", resolveDir: backend, pluginData: { real: true } };
    const resolveReal = () => build.resolve("better-auth", real);
    build.onResolve({ filter: /^better-auth$/ }, (args) =>
      args.pluginData?.real ? undefined : { path: "better-auth", namespace: "space-better-auth" },
    );
    build.onLoad({ filter: /.*/, namespace: "space-better-auth" }, async () => {
      const entry = packageEntry(join(modules, "better-auth"));
      const names = Object.keys(await import(pathToFileURL(entry).href)).filter((name) => name !== "betterAuth");
      return {
        contents: `export { ${names.join(", ")} } from "space:better-auth-package";\n` +
          `export { betterAuth } from ${JSON.stringify(instancesShim)};\n`,
        resolveDir: here,
        loader: "js",
      };
    });
    build.onResolve({ filter: /^space:better-auth-package$/ }, async () => {
      if (shipModules) return { path: "better-auth", external: true };
      const found = await resolveReal();
      return found.errors.length ? { errors: found.errors } : { path: found.path };
    });
  },
};

// Under Bun (js_runtime=bun) its own modules stay imports, and the backend's `import { serve } from "bun"` gets a
// serve that calls Bun.serve when the server starts, not when the module loads: bun-serve.mjs has replaced it by then.
const bunModules = {
  name: "space-bun-modules",
  setup(build) {
    build.onResolve({ filter: /^bun(:.*)?$/ }, (args) =>
      args.path === "bun" && args.namespace !== "space-bun" ? { path: "bun", namespace: "space-bun" }
        : { path: args.path, external: true });
    build.onLoad({ filter: /.*/, namespace: "space-bun" }, async () => {
      const names = Object.keys(await import("bun")).filter((name) => /^[A-Za-z_$][\w$]*$/.test(name) &&
        name !== "serve" && name !== "default");
      return {
        contents: `export { ${names.join(", ")}, default } from "bun";\n` +
          "export function serve(...args) { return globalThis.Bun.serve(...args); }\n",
        loader: "js",
      };
    });
  },
};
const runtimePlugins = process.versions.bun ? [bunModules] : [];

// The health check on its own, one file with its settings inlined, for a folder the app can't write (the Dockerfile
// copies it there): what it runs every 10 s never comes from the app's folder.
await esbuild.build({
  entryPoints: [join(here, "healthcheck.mjs")],
  bundle: true,
  format: "esm",
  platform: "node",
  target: `node${process.versions.node.split(".")[0]}`,
  outfile: join(outdir, "..", "healthcheck.mjs"),
  external: ["space:backend-entry"], // settings.mjs names the server, which the health check never loads
  loader: { ".txt": "text" },
  legalComments: "none",
  logLevel: "warning",
});

await esbuild.build({
  entryPoints: [join(here, "start.mjs")],
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: `node${process.versions.node.split(".")[0]}`, // the Node.js of this stage is the one that runs it
  outdir,
  entryNames: "[name]",
  chunkNames: "chunks/[name]-[hash]",
  outExtension: { ".js": ".mjs" },
  nodePaths: [join(backend, "node_modules")], // the wrapper imports better-auth from the backend's install
  external: ["pg-native"], // pg's optional native driver, never loaded
  ...(shipModules ? { packages: "external" } : {}),
  legalComments: "none",
  logLevel: "warning",
  plugins: [...runtimePlugins, backendEntry, betterAuthMigrations, betterAuthInstances,
    ...(shipModules ? [] : [optionalPeers]), ...(metadata ? [metadata] : [])],
  loader: { ".txt": "text" }, // placeholder-secrets.txt
  // require() works inside the bundle through createRequire, imported under a name no bundled module declares
  // (a chunk holding a dependency's own `import { createRequire }` failed to load).
  banner: { js: "import { createRequire as __spaceCreateRequire } from 'node:module'; " +
    "const require = __spaceCreateRequire(import.meta.url);" },
});

if (unresolvedPeers.size) {
  process.stderr.write(`space: left as imports, since no dependency installs them (a dependency loads them only if ` +
    `you use that part of it): ${[...unresolvedPeers].sort().join(", ")}\n`);
}

const bytes = (folder) =>
  readdirSync(folder, { withFileTypes: true, recursive: true })
    .filter((item) => item.isFile())
    .reduce((sum, item) => sum + statSync(join(item.parentPath, item.name)).size, 0);
const megabytes = (folder) => (bytes(folder) / 1e6).toFixed(1);

// The files the server opens by path (templates, views, static folders: backend_files) sit beside the bundle as in
// the backend's folder, since the server's working directory is the bundle's.
for (const entry of space.backend_files ?? []) {
  const source = join(backend, entry);
  if (existsSync(source) && !existsSync(join(outdir, entry))) {
    cpSync(source, join(outdir, entry), { recursive: true, verbatimSymlinks: true });
  }
}

// With a pre-start command the backend's folder ships too (the Dockerfile copies it to backend/), node_modules with it.
if (shipModules && space.prestart) {
  symlinkSync(join("backend", "node_modules"), join(outdir, "node_modules"));
} else if (shipModules) {
  cpSync(modules, join(outdir, "node_modules"), { recursive: true, verbatimSymlinks: true });
  // node_modules links the workspace packages (pnpm_workspace) by relative paths: they ship where the links lead.
  for (const folder of (space.pnpm_workspace ?? []).filter((folder) => folder !== ".")) {
    cpSync(join(backend, folder), join(outdir, folder), { recursive: true, verbatimSymlinks: true });
  }
}
if (shipModules) {
  const why = native.length ? `${native.join(", ")} can't be bundled (compiled code or a generated client)`
    : "a server built with decorator metadata loads packages by name at run time";
  process.stderr.write(`space: ${why}, so the image ships the production node_modules beside the bundle: ` +
    `${megabytes(modules)} MB more\n`);
}
if (space.prestart) {
  process.stderr.write(
    `space: the pre-start command \`${space.prestart}\` runs in the backend's folder, so the image ships it with ` +
      `its production node_modules: ${megabytes(backend)} MB more\n`,
  );
}
