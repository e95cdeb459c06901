// The manifest and the code agree: every command in the command table is contributed and vice versa,
// menus name only real commands, settings mirror the zod schema, activation never uses `*`, and
// src/core stays free of vscode.
import type { z } from 'zod';
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { configSchema, profileSchema } from '../../src/core/config';

const root = path.join(__dirname, '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));

function commandTableIds(): string[] {
  // Read the table's keys from the source: importing it would need the vscode module.
  const source = fs.readFileSync(path.join(root, 'src', 'vscode', 'commands.ts'), 'utf8');
  const table = source.slice(source.indexOf('export const COMMANDS'), source.indexOf('function refreshWithProgress'));
  return [...table.matchAll(/^ {2}'(lifeCockpit\.[A-Za-z]+)':/gm)].map((m) => m[1]).sort();
}

function filesUnder(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

describe('the manifest', () => {
  it('contributes exactly the commands of the command table', () => {
    const contributed = (pkg.contributes.commands as Array<{ command: string }>).map((c) => c.command).sort();
    assert.ok(contributed.length >= 10);
    assert.deepEqual(commandTableIds(), contributed);
  });

  it('names commands lifeCockpit.<verb><Noun> under the Life Cockpit category', () => {
    for (const c of pkg.contributes.commands as Array<{ command: string; category: string; title: string }>) {
      assert.match(c.command, /^lifeCockpit\.[a-z]+[A-Z][A-Za-z]*$/);
      assert.equal(c.category, 'Life Cockpit');
      assert.match(c.title, /^[A-Z]/);
    }
  });

  it('refers only to contributed commands in menus and welcome views', () => {
    const ids = new Set((pkg.contributes.commands as Array<{ command: string }>).map((c) => c.command));
    for (const entries of Object.values(pkg.contributes.menus) as Array<Array<{ command: string }>>) {
      for (const entry of entries) assert.ok(ids.has(entry.command), `${entry.command} in a menu is not contributed`);
    }
    for (const welcome of pkg.contributes.viewsWelcome as Array<{ contents: string }>) {
      for (const m of welcome.contents.matchAll(/command:([\w.]+)/g))
        assert.ok(ids.has(m[1]), `${m[1]} in a welcome view`);
    }
  });

  it('has the container, both views and a signed-out welcome for each', () => {
    assert.equal(pkg.contributes.viewsContainers.activitybar[0].id, 'lifeCockpit');
    assert.ok(fs.existsSync(path.join(root, pkg.contributes.viewsContainers.activitybar[0].icon)));
    const views = pkg.contributes.views.lifeCockpit.map((v: { id: string }) => v.id);
    assert.deepEqual(views, [
      'lifeCockpit.sessions',
      'lifeCockpit.reminders',
      'lifeCockpit.dataverse',
      'lifeCockpit.webhookInbox',
    ]);
    for (const view of views) {
      const welcome = pkg.contributes.viewsWelcome.find((w: { view: string }) => w.view === view);
      assert.ok(welcome, `${view} has a welcome view`);
      assert.match(welcome.when, /!lifeCockpit\.signedIn/);
      assert.match(welcome.contents, /command:lifeCockpit\.signIn/);
      assert.match(welcome.contents, /command:lifeCockpit\.startSandbox/);
    }
  });

  it('activates only on what needs it, never on *', () => {
    assert.ok(!(pkg.activationEvents as string[]).includes('*'));
    assert.ok(!(pkg.activationEvents as string[]).includes('onStartupFinished'));
  });

  it('targets a VS Code that Cursor accepts, with matching types', () => {
    assert.equal(pkg.engines.vscode, '^1.105.0');
    assert.equal(pkg.devDependencies['@types/vscode'], '~1.105.0');
  });

  it('mirrors the zod schema in its settings, defaults included', () => {
    const props = pkg.contributes.configuration.properties as Record<
      string,
      { default?: unknown; enum?: unknown[]; items?: { properties: Record<string, { enum?: unknown[] }> } }
    >;
    const defaults = configSchema.parse({}) as unknown as Record<string, Record<string, unknown>>;
    // Every group of settings, and every key of each (optional ones without a default included).
    const groups = Object.keys(configSchema.shape).filter((k) => !['activeProfile', 'profiles', 'tables'].includes(k));
    const expected = ['lifeCockpit.activeProfile', 'lifeCockpit.profiles', 'lifeCockpit.tables'];
    for (const group of groups) {
      const shape = (configSchema.shape[group as keyof typeof configSchema.shape] as unknown as z.ZodPrefault).unwrap();
      for (const key of Object.keys((shape as z.ZodObject).shape)) expected.push(`lifeCockpit.${group}.${key}`);
    }
    assert.deepEqual(Object.keys(props).sort(), expected.sort());
    for (const group of groups) {
      for (const [key, value] of Object.entries(defaults[group]))
        assert.deepEqual(props[`lifeCockpit.${group}.${key}`].default, value, `default of ${group}.${key}`);
    }
    assert.deepEqual(props['lifeCockpit.log.level'].enum, [
      ...configSchema.shape.log.unwrap().shape.level.unwrap().options,
    ]);
    const profileProps = props['lifeCockpit.profiles'].items?.properties ?? {};
    assert.deepEqual(Object.keys(profileProps).sort(), Object.keys(profileSchema.shape).sort());
    assert.deepEqual(profileProps.kind.enum, [...profileSchema.shape.kind.unwrap().options]);
  });

  it('keeps src/core free of vscode imports', () => {
    const offenders = filesUnder(path.join(root, 'src', 'core'))
      .filter((f) => f.endsWith('.ts'))
      .filter((f) => /from ['"]vscode['"]|require\(['"]vscode['"]\)/.test(fs.readFileSync(f, 'utf8')));
    assert.deepEqual(offenders, []);
  });
});
