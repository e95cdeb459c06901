// What loading dist/extension.js runs, as the editor loads it (a stand-in vscode beside it). VS Code's
// activation figure counts that load and activate() up to its first wait, so the load runs the log and
// the configuration alone; the composition root (HTTP clients, the webhook receiver, the sandbox
// launcher, the MCP registration) is imported by activate() while the configuration is read.
// Runs after `npm run package`, like package.test.ts.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const bundle = path.join(__dirname, '..', '..', 'dist', 'extension.js');

/** The modules required while dist/extension.js loads, in order. */
function requiredAtLoad(): string[] {
  const script = `
    const Module = require('module');
    const any = new Proxy(function () {}, { get: (t, k) => (k === 'prototype' ? {} : any), apply: () => any, construct: () => ({}) });
    const load = Module._load;
    const required = [];
    Module._load = function (request) {
      if (request === 'vscode') return any;
      required.push(request);
      return load.apply(this, arguments);
    };
    const extension = require(${JSON.stringify(bundle)});
    process.stdout.write(JSON.stringify({ required: required.slice(1), activate: typeof extension.activate }));
  `;
  const run = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  const result = JSON.parse(run.stdout) as { required: string[]; activate: string };
  assert.equal(result.activate, 'function');
  return result.required;
}

describe('loading the extension bundle', () => {
  before(function () {
    if (!fs.existsSync(bundle)) throw new Error(`${bundle} is missing: run npm run package first`);
  });

  it('runs the log and the configuration, not the composition root that activate() imports', () => {
    const required = requiredAtLoad();
    // Node modules only the composition root's services use: HTTP (the profile clients, the webhook
    // receiver), sockets, and the sandbox launcher's line reader.
    for (const module of ['node:http', 'node:https', 'node:net', 'node:readline']) {
      assert.ok(
        !required.includes(module),
        `${module} is required when dist/extension.js loads: ${required.join(', ')}`,
      );
    }
  });
});
