// Debian's Chromium driven by playwright-core (no browser download: playwright-core ships none).
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { chromiumPath, editorDir } from './paths.mjs';

// playwright-core lives in test/e2e/editor, not in the root's node_modules, so it is loaded from there.
const requireFromEditor = createRequire(join(editorDir, 'package.json'));

// Root in a container needs --no-sandbox; the rest keeps Chromium from reaching for the network.
const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-quic',
  '--disable-sync',
];

/** Launches Chromium and opens `url` in a page sized like a laptop screen. */
export async function openBrowser(url, { timeoutMs = 60_000 } = {}) {
  const { chromium } = requireFromEditor('playwright-core');
  const browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: chromiumArgs });
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  await page.goto(url, { timeout: timeoutMs });
  return { browser, page, close: () => browser.close() };
}
