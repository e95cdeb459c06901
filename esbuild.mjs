// Bundles the extension and the `lc` CLI into dist/. The sandbox lives only in the CLI bundle, behind
// a dynamic import that esbuild keeps lazy; the extension starts it as a child process (`lc sandbox`),
// so it never weighs on the extension's activation path or its bundle.
import * as esbuild from 'esbuild';
import { dashboardWebview } from './esbuild.webview.mjs';

const production = process.argv.includes('--production');
// `--functions` builds only the Azure Functions worker (its Dockerfile and `npm run build` in functions/).
const functionsOnly = process.argv.includes('--functions');
const watch = process.argv.includes('--watch');

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
    // zod probes `navigator` (Cloudflare detection); in the extension host that global access logs a
    // PendingMigrationError on every activation. There is no browser navigator to find here anyway.
    define: { ...common.define, navigator: 'undefined' },
  },
  {
    ...common,
    entryPoints: ['src/cli/main.ts'],
    outfile: 'dist/cli.js',
    banner: { js: '#!/usr/bin/env node' },
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

if (watch) {
  const contexts = await Promise.all(builds.map((b) => esbuild.context(b)));
  await Promise.all(contexts.map((c) => c.watch()));
  console.log('[watch] watching for changes');
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
}
