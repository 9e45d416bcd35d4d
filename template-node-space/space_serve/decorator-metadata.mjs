// From this Space's Copier template; `copier update` brings its new versions and keeps your edits.
// The decorator metadata a backend's tsconfig asks for (emitDecoratorMetadata: NestJS, TypeORM, type-graphql,
// inversify), which esbuild never emits: without it NestJS builds a controller without the service its constructor
// asks for by type, and the first request that uses it fails. TypeScript compiles each of the backend's own files
// alone (as `isolatedModules` does), and esbuild bundles the JavaScript it writes.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";

/** The esbuild plugin for this backend, or null when its tsconfig.json asks for no decorator metadata. */
export function decoratorMetadata(loadTypeScript, backend) {
  const file = join(backend, "tsconfig.json");
  let text;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return null;
  }
  if (!/emitDecoratorMetadata|"extends"/.test(text)) return null; // TypeScript is loaded only where it may be needed
  const ts = loadTypeScript();
  const read = ts.readConfigFile(file, ts.sys.readFile);
  const { options } = ts.parseJsonConfigFileContent(read.config ?? {}, ts.sys, dirname(file));
  if (!options.emitDecoratorMetadata) return null;
  // ES modules and today's syntax for esbuild to bundle; the helpers inline (tslib may not be installed).
  const compilerOptions = {
    ...options, module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, jsx: ts.JsxEmit.Preserve,
    isolatedModules: true, verbatimModuleSyntax: false, importHelpers: false, noEmitHelpers: false, sourceMap: false,
    inlineSourceMap: false, declaration: false, declarationMap: false, composite: false, incremental: false,
  };
  const compiled = [];
  return {
    name: "space-decorator-metadata",
    setup(build) {
      build.onLoad({ filter: /\.[cm]?tsx?$/ }, (args) => {
        if (args.path.includes("/node_modules/") || /\.d\.[cm]?tsx?$/.test(args.path)) return undefined;
        compiled.push(args.path);
        const source = readFileSync(args.path, "utf8");
        const { outputText } = ts.transpileModule(source, { compilerOptions, fileName: args.path });
        return { contents: outputText, loader: args.path.endsWith("x") ? "jsx" : "js" };
      });
      build.onEnd(() => {
        if (compiled.length) {
          process.stderr.write(`space: tsconfig.json asks for decorator metadata, which esbuild doesn't emit: ` +
            `TypeScript ${ts.version} compiled the backend's ${compiled.length} files first\n`);
        }
      });
    },
  };
}
