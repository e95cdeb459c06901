// The dashboard webview's bundle: browser code with Chart.js bundled in (no CDN, so the panel's
// Content-Security-Policy can stay strict) and its stylesheet beside it (dist/webview/dashboard.css).
// Always minified: test/unit/webview checks it stays under 300 kB.

/** @type {import('esbuild').BuildOptions} */
export const dashboardWebview = {
  entryPoints: ['src/webview/dashboard/main.ts'],
  outfile: 'dist/webview/dashboard.js',
  bundle: true,
  platform: 'browser',
  target: 'es2022',
  format: 'iife',
  minify: true,
  sourcemap: false,
  legalComments: 'eof',
  logLevel: 'info',
};
