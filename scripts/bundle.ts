/**
 * Builds what the image runs: the operator as one esbuild bundle, `dist/main.js`.
 *
 * Why a bundle and not tsc's output: Node keeps every loaded module's source text and compiled
 * code in the heap for the life of the process. With tsc's output the operator loads all of
 * @kubernetes/client-node's generated API (27 MB of source) and every dependency file in full:
 * about 55 MiB of heap before the first object. The bundle holds only what the operator imports,
 * tree-shaken, and minified (whitespace and syntax, names kept so stack traces and error names
 * stay readable): 21 rather than 55 MiB of heap and 96 rather than 156 MiB RSS at start, measured
 * in bench/results. One ASCII-only file
 * also lets V8 store its source one byte per character (a single non-Latin-1 character in a
 * comment makes it two).
 *
 * The source map is written next to it (`dist/main.js.map`) but not loaded by default: with
 * `--enable-source-maps` Node parses and keeps it (tens of MiB for a bundle this size). Set
 * `NODE_OPTIONS=--enable-source-maps` when stack traces must point into src/.
 *
 *   tsx scripts/bundle.ts     (src/main.ts to dist/main.js; `npm run build` runs it)
 */
import { build, type BuildOptions, type Plugin } from 'esbuild';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Packages whose modules have no side effects on import, though their package.json does not say so
 * (`"sideEffects": false`). Without it esbuild keeps every module such a package imports, used or
 * not. @kubernetes/client-node's index and KubeConfig import its generated API: over a thousand
 * model and API modules (1.5 MB of the bundle) of which the operator uses none. It uses KubeConfig,
 * Watch and the fetch HTTP library.
 */
const SIDE_EFFECT_FREE_PACKAGES = ['@kubernetes/client-node'];

const RESOLVING = Symbol('resolving');

/** Marks the modules of `packages` free of side effects, so that what the bundle does not use is left out. */
export function sideEffectFree(packages: readonly string[]): Plugin {
  // A module of the package itself, not of a dependency installed under its own node_modules.
  const inPackage = (path: string): boolean =>
    packages.some((p) => {
      const at = path.lastIndexOf(`/node_modules/${p}/`);
      return at >= 0 && !path.includes('/node_modules/', at + 1);
    });
  return {
    name: 'side-effect-free-packages',
    setup(bundler) {
      bundler.onResolve({ filter: /.*/ }, async (args) => {
        if (args.pluginData === RESOLVING) return undefined;
        if (!packages.some((p) => args.path === p || args.path.startsWith(`${p}/`)) && !inPackage(args.importer)) return undefined;
        // esbuild's own resolution, then the flag; unresolvable optional requires stay esbuild's to report.
        const resolved = await bundler.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: RESOLVING });
        if (resolved.errors.length > 0 || !inPackage(resolved.path)) return undefined;
        return { ...resolved, sideEffects: false };
      });
    },
  };
}

/** The esbuild options of the image's bundle; the benchmark bundles its operator child with the same. */
export function operatorBundleOptions(entry: string, outfile: string): BuildOptions {
  return {
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node24',
    minifyWhitespace: true,
    minifySyntax: true,
    keepNames: true,
    charset: 'ascii',
    legalComments: 'none',
    sourcemap: 'linked',
    // CommonJS dependencies inside an ES module bundle still call require().
    banner: { js: "import { createRequire as __bundleRequire } from 'node:module'; const require = __bundleRequire(import.meta.url);" },
    plugins: [sideEffectFree(SIDE_EFFECT_FREE_PACKAGES)],
    logLevel: 'warning',
  };
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  // build() rejects on any error (esbuild reports it on stderr as well).
  build(operatorBundleOptions(join(root, 'src', 'main.ts'), join(root, 'dist', 'main.js'))).catch((err: unknown) => {
    process.stderr.write(`bundle: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
