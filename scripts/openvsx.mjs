// Open VSX, where Cursor installs extensions from: checks a packaged .vsix the way the registry and ovsx
// would refuse it, and publishes it with ovsx only when a token is present.
//
//   node scripts/openvsx.mjs check life-cockpit.vsix     the dry run CI takes (no token needed)
//   node scripts/openvsx.mjs publish life-cockpit.vsix   checks, then `ovsx publish` with OVSX_PAT;
//                                                        without OVSX_PAT it says it skipped and exits 0
//
// The checks: the manifest fields a listing needs (publisher = the Open VSX namespace, name, version,
// displayName, description, engines.vscode, categories, repository), a license (open-vsx.org refuses an
// extension without one) and its file, a PNG icon of 128×128 (vsce refuses SVG icons), a README, and the
// package's size against our own budget.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const yauzl = require('yauzl');

/** The categories the Marketplace and Open VSX know (vsce's list). */
const CATEGORIES = new Set([
  'AI',
  'Azure',
  'Chat',
  'Data Science',
  'Debuggers',
  'Education',
  'Extension Packs',
  'Formatters',
  'Keymaps',
  'Language Packs',
  'Linters',
  'Machine Learning',
  'Notebooks',
  'Other',
  'Programming Languages',
  'SCM Providers',
  'Snippets',
  'Testing',
  'Themes',
  'Visualization',
]);
/** Our own budget for the whole package: far below any registry's limit, so growth is noticed early. */
export const MAX_VSIX_BYTES = 10 * 1024 * 1024;

/** Every entry of the .vsix (a zip) with its bytes. */
function readVsix(file) {
  return new Promise((resolvePromise, reject) => {
    yauzl.open(file, { lazyEntries: true }, (error, zip) => {
      if (error) return reject(error);
      const entries = new Map();
      zip.on('entry', (entry) => {
        zip.openReadStream(entry, (streamError, stream) => {
          if (streamError) return reject(streamError);
          const chunks = [];
          stream.on('data', (chunk) => chunks.push(chunk));
          stream.on('end', () => {
            entries.set(entry.fileName, Buffer.concat(chunks));
            zip.readEntry();
          });
          stream.on('error', reject);
        });
      });
      zip.on('end', () => resolvePromise(entries));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

/** Width and height of a PNG from its IHDR chunk, or undefined if the bytes are not a PNG. */
function pngSize(bytes) {
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  if (!bytes || bytes.length < 24 || !bytes.subarray(0, 8).equals(signature)) return undefined;
  if (bytes.toString('latin1', 12, 16) !== 'IHDR') return undefined;
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

/** The problems that would keep the .vsix off Open VSX or make a poor listing; empty when it is fine. */
export async function checkVsix(file) {
  const { size } = await import('node:fs').then((fs) => fs.statSync(file));
  const entries = await readVsix(file);
  const problems = [];
  const manifestBytes = entries.get('extension/package.json');
  if (!manifestBytes) return ['the .vsix has no extension/package.json'];
  const manifest = JSON.parse(manifestBytes.toString('utf8'));
  for (const field of ['publisher', 'name', 'version', 'displayName', 'description', 'license']) {
    if (typeof manifest[field] !== 'string' || manifest[field].trim() === '')
      problems.push(`package.json lacks "${field}"`);
  }
  if (manifest.name && !/^[a-z0-9][a-z0-9-]*$/.test(manifest.name))
    problems.push(`name "${manifest.name}" is not lower-case`);
  if (manifest.version && !/^\d+\.\d+\.\d+$/.test(manifest.version))
    problems.push(`version "${manifest.version}" is not x.y.z`);
  if (!manifest.engines?.vscode) problems.push('package.json lacks engines.vscode');
  const categories = manifest.categories ?? [];
  if (categories.length === 0) problems.push('package.json lists no categories');
  for (const category of categories) if (!CATEGORIES.has(category)) problems.push(`unknown category "${category}"`);
  const repository = typeof manifest.repository === 'string' ? manifest.repository : manifest.repository?.url;
  if (!repository || !/^https:\/\//.test(repository)) problems.push('package.json lacks an https repository URL');
  if (![...entries.keys()].some((name) => /^extension\/LICEN[CS]E(\.(md|txt))?$/i.test(name)))
    problems.push('the .vsix holds no LICENSE file (open-vsx.org refuses an extension without a license)');
  if (!entries.has('extension/readme.md') && !entries.has('extension/README.md'))
    problems.push('the .vsix holds no README');
  if (!manifest.icon) problems.push('package.json names no icon');
  else if (!/\.png$/i.test(manifest.icon)) problems.push(`the icon ${manifest.icon} is not a PNG`);
  else {
    const icon = pngSize(entries.get(`extension/${manifest.icon}`));
    if (!icon) problems.push(`the icon ${manifest.icon} is missing from the .vsix or not a PNG`);
    else if (icon.width !== 128 || icon.height !== 128)
      problems.push(`the icon is ${icon.width}×${icon.height}, not 128×128`);
  }
  if (!manifest.galleryBanner?.color) problems.push('package.json lacks galleryBanner.color');
  if (size > MAX_VSIX_BYTES) problems.push(`the .vsix is ${size} bytes, over the budget of ${MAX_VSIX_BYTES}`);
  return problems;
}

async function main([command, file = 'life-cockpit.vsix']) {
  if (command !== 'check' && command !== 'publish') {
    process.stderr.write('usage: node scripts/openvsx.mjs check|publish [file.vsix]\n');
    return 10;
  }
  const problems = await checkVsix(file);
  if (problems.length > 0) {
    process.stderr.write(`${file} would not be accepted on Open VSX:\n${problems.map((p) => `  - ${p}\n`).join('')}`);
    return 1;
  }
  process.stdout.write(`${file}: ready for Open VSX (manifest, license, 128×128 PNG icon, README, size)\n`);
  if (command === 'check') return 0;
  if (!process.env.OVSX_PAT) {
    process.stdout.write('OVSX_PAT is not set: skipped publishing to Open VSX (the package was checked).\n');
    return 0;
  }
  // ovsx reads the token from OVSX_PAT itself, so it never appears on a command line.
  const ovsx = require.resolve('ovsx/bin/ovsx');
  const run = spawnSync(process.execPath, [ovsx, 'publish', resolve(file)], { stdio: 'inherit' });
  return run.status ?? 1;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2));
}
