// Bundles the extension and the `lc` CLI into dist/. The sandbox lives only in the CLI bundle, behind
// a dynamic import that esbuild keeps lazy; the extension starts it as a child process (`lc sandbox`),
// so it never weighs on the extension's activation path or its bundle.
import { readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import * as esbuild from 'esbuild';
import { dashboardWebview } from './esbuild.webview.mjs';

const production = process.argv.includes('--production');
// `--functions` builds only the Azure Functions worker (its Dockerfile and `npm run build` in functions/).
const functionsOnly = process.argv.includes('--functions');
const watch = process.argv.includes('--watch');

// The verbs src/cli/main.ts imports lazily (`import('./commands/<verb>')`): each is an entry of the
// verbs' build, and in dist/cli.js that import names the built file instead.
const cliVerbs = [...readFileSync('src/cli/main.ts', 'utf8').matchAll(/import\('\.\/commands\/(\w+)'\)/g)].map(
  (m) => m[1],
);
/** @type {import('esbuild').Plugin} */
const verbsFromDistLc = {
  name: 'verbs-from-dist-lc',
  setup(build) {
    build.onResolve({ filter: /^\.\/commands\/\w+$/ }, (args) =>
      args.importer.endsWith(join('src', 'cli', 'main.ts'))
        ? { path: `./lc/${args.path.slice('./commands/'.length)}.mjs`, external: true }
        : undefined,
    );
  },
};

// The libraries the extension needs only once it talks to a service: each is bundled on its own into
// dist/lazy/, and dist/extension.js holds a stand-in that requires that bundle on first use (the first
// property read of the library), so activation neither reads nor runs them. A first use is synchronous:
// a command run right after activation finds the library loaded, never half-loaded.
const lazyLibraries = {
  undici: 'undici',
  stripe: 'stripe',
  '@azure/msal-node': 'msal-node',
  '@microsoft/microsoft-graph-client': 'graph-client',
  liquidjs: 'liquidjs',
  nodemailer: 'nodemailer',
  'html-to-text': 'html-to-text',
  '@sendgrid/helpers': 'sendgrid-helpers',
  '@azure/communication-sms': 'communication-sms',
  '@azure/core-rest-pipeline': 'core-rest-pipeline',
};

/**
 * The stand-in for a lazily loaded library: a module whose properties are the library's exports, read
 * from dist/lazy/<file>.js when first touched. `names` and `esModule` are the bundle's own, so esbuild's
 * interop (named imports, a default import of CommonJS or of an ES module) sees what the library has.
 */
function lazyStandIn(file, names, esModule) {
  return `const names = ${JSON.stringify(names)};
let library;
const load = () => (library ??= require(${JSON.stringify(`./lazy/${file}.js`)}));
module.exports = new Proxy({}, {
  get: (_, key) => (key === '__esModule' ? ${esModule} : load()[key]),
  has: (_, key) => names.includes(key),
  ownKeys: () => names,
  getOwnPropertyDescriptor: (_, key) =>
    names.includes(key) ? { enumerable: true, configurable: true, writable: false, value: undefined } : undefined,
});
`;
}

/** Builds each lazy library into dist/lazy/ and returns the plugin that puts stand-ins in its place. */
async function lazyLibrariesPlugin(options) {
  const standIns = {};
  await Promise.all(
    Object.entries(lazyLibraries).map(async ([library, file]) => {
      const outfile = `dist/lazy/${file}.js`;
      await esbuild.build({ ...options, entryPoints: [library], outfile, logLevel: 'warning' });
      const loaded = createRequire(import.meta.url)(resolve(outfile));
      standIns[library] = lazyStandIn(file, Object.keys(loaded), Boolean(loaded.__esModule));
    }),
  );
  return {
    name: 'lazy-libraries',
    setup(build) {
      const filter = new RegExp(
        `^(${Object.keys(lazyLibraries)
          .map((l) => l.replace(/[/@.-]/g, '\\$&'))
          .join('|')})$`,
      );
      build.onResolve({ filter }, (args) => ({ path: args.path, namespace: 'lazy-library' }));
      build.onResolve({ filter: /^\.\/lazy\//, namespace: 'lazy-library' }, (args) => ({
        path: args.path,
        external: true,
      }));
      build.onLoad({ filter: /.*/, namespace: 'lazy-library' }, (args) => ({
        contents: standIns[args.path],
        loader: 'js',
      }));
    },
  };
}

// zod bundles error messages in some 40 languages (0.26 MB, 30% of what activation loaded) behind
// `z.locales`; zod registers English itself (classic/schemas.js imports locales/en.js) and nothing of ours
// calls `z.config(z.locales.…)`, so the extension's `z.locales` holds English alone.
/** @type {import('esbuild').Plugin} */
const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(build) {
    build.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /[\\/]node_modules[\\/]zod[\\/]/.test(args.importer)
        ? { path: join(args.resolveDir, '..', 'locales', 'index.js'), namespace: 'zod-english-only' }
        : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'zod-english-only' }, (args) => ({
      contents: "export { default as en } from './en.js';",
      resolveDir: dirname(args.path),
      loader: 'js',
    }));
  },
};

/** @type {import('esbuild').BuildOptions} */
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  sourcesContent: false,
  minify: production,
  logLevel: 'info',
  // The keychain bindings load native code; the CLI requires them from node_modules on first use.
  external: ['vscode', '@napi-rs/keyring', '@azure/msal-node-extensions'],
  // jsonc-parser's `main` is a UMD build whose require('./impl/…') calls esbuild cannot follow, so the
  // bundle failed at activation with "Cannot find module './impl/format'": take its ES module build.
  alias: { 'jsonc-parser': 'jsonc-parser/lib/esm/main.js' },
  define: { 'process.env.LC_BUILD_MODE': JSON.stringify(production ? 'production' : 'development') },
};

const builds = [
  {
    ...common,
    entryPoints: ['src/extension.ts'],
    outfile: 'dist/extension.js',
    plugins: functionsOnly ? [] : [await lazyLibrariesPlugin(common), zodEnglishOnly],
    // zod probes `navigator` (Cloudflare detection); in the extension host that global access logs a
    // PendingMigrationError on every activation. There is no browser navigator to find here anyway.
    define: { ...common.define, navigator: 'undefined' },
  },
  {
    ...common,
    // `lc` itself: commander and the verbs' names. Each verb is imported from dist/lc/ when argv names it.
    entryPoints: ['src/cli/main.ts'],
    outfile: 'dist/cli.js',
    banner: { js: '#!/usr/bin/env node' },
    plugins: [verbsFromDistLc],
  },
  {
    ...common,
    // The verbs, an ES module each, split: what several verbs need sits in shared chunks, what one verb
    // needs (the sandbox, the MCP SDK, the Stripe SDK for payments) only in its own, so `lc --version`
    // and `lc --help` read none of them and a verb reads only its own.
    format: 'esm',
    splitting: true,
    entryPoints: Object.fromEntries(cliVerbs.map((verb) => [verb, `src/cli/commands/${verb}.ts`])),
    outdir: 'dist/lc',
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunk-[hash]',
    // Bundled CommonJS dependencies call require(); an ES module has none of its own.
    banner: {
      js: "import { createRequire as __lcCreateRequire } from 'node:module';\nconst require = __lcCreateRequire(import.meta.url);",
    },
  },
  {
    ...common,
    // The unattended worker on Azure Functions imports the core; it is bundled, not copied. The host
    // provides the programming model's bridge, and @azure/functions stays a dependency of functions/.
    entryPoints: ['functions/src/index.ts'],
    outfile: 'functions/dist/index.js',
    external: [...common.external, '@azure/functions', '@azure/functions-core'],
  },
  dashboardWebview,
].filter((b) => !functionsOnly || b.outfile.startsWith('functions/'));

// Chunk names carry a content hash: an old build's chunks would pile up and end in the .vsix.
if (!functionsOnly) rmSync('dist/lc', { recursive: true, force: true });

if (watch) {
  const contexts = await Promise.all(builds.map((b) => esbuild.context(b)));
  await Promise.all(contexts.map((c) => c.watch()));
  console.log('[watch] watching for changes');
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
}
