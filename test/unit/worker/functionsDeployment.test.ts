// The worker's deployment files cannot be built or deployed here, so this reads them (issue 18, item 2):
// the container's base image, the app settings the code reads against local.settings.example.json and
// main.bicep (secrets only as Key Vault references, never a value in the example), host.json's queue
// settings, the Bicep's outputs, and the registered functions' bindings.
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { FUNCTION_NAMES, registerWorkerFunctions, type FunctionsRegistrar } from '../../../functions/src/app';
import type { WorkerServices } from '../../../functions/src/services';
import {
  AZURE_SETTINGS,
  CHANNEL_SECRET_SETTINGS,
  LOCAL_SETTINGS,
  SECRET_SETTINGS,
  SHARED_SETTINGS,
} from '../../../functions/src/settings';
import { CHANNEL_SECRET_ENV } from '../../../src/core/channels';
import { PROFILE_ENV, SECRET_ENV } from '../../../src/core/config';

const dir = path.join(__dirname, '..', '..', '..', 'functions');
const read = (name: string): string => readFileSync(path.join(dir, name), 'utf8');

/** Every `name: 'X'` of the function app's appSettings in main.bicep, with its value's text. */
function bicepAppSettings(bicep: string): Map<string, string> {
  const block = /appSettings: \[([\s\S]*?)\n\s*\]/.exec(bicep)?.[1] ?? '';
  const settings = new Map<string, string>();
  for (const match of block.matchAll(/\{ name: '([^']+)', value: (.+?) \}\s*$/gm)) {
    settings.set(match[1] ?? '', match[2] ?? '');
  }
  return settings;
}

/** Names the worker's sources read from the environment: `setting(env, 'X')` and `env.X`. */
function settingsReadBySources(): Set<string> {
  const names = new Set<string>();
  for (const file of readdirSync(path.join(dir, 'src'))) {
    const text = readFileSync(path.join(dir, 'src', file), 'utf8');
    for (const m of text.matchAll(/setting\(env, '([^']+)'\)/g)) names.add(m[1] ?? '');
    for (const m of text.matchAll(/\benv\.([A-Za-z_][A-Za-z0-9_]*)/g)) names.add(m[1] ?? '');
  }
  return names;
}

describe('The Functions worker’s deployment files', () => {
  const listed = new Set<string>([...SHARED_SETTINGS, ...LOCAL_SETTINGS, ...AZURE_SETTINGS]);
  /** Set by the platform for an app with a managed identity, never by us. */
  const platform = new Set(['IDENTITY_ENDPOINT', 'IDENTITY_HEADER']);

  it('lists every setting the sources read', () => {
    const unlisted = [...settingsReadBySources()].filter((name) => !listed.has(name) && !platform.has(name));
    assert.deepEqual(unlisted, []);
  });

  it('lists profile and secret settings under the names the CLI reads', () => {
    const known = new Set<string>([...Object.values(PROFILE_ENV), ...Object.values(SECRET_ENV)]);
    const lcNames = [...listed].filter((name) => name.startsWith('LC_') && !name.startsWith('LC_WORKER_'));
    assert.deepEqual(
      lcNames.filter((name) => !known.has(name)),
      [],
    );
  });

  it('reads the channels’ secrets under the names the CLI reads, none of them set by main.bicep', () => {
    assert.deepEqual([...CHANNEL_SECRET_SETTINGS].sort(), Object.values(CHANNEL_SECRET_ENV).sort());
    const settings = bicepAppSettings(read('main.bicep'));
    assert.deepEqual(
      CHANNEL_SECRET_SETTINGS.filter((name) => settings.has(name)),
      [],
      'a Key Vault reference to a secret not in the vault would reach the code as its literal text',
    );
  });

  it('builds the container on Microsoft’s Azure Functions Node 20 image', () => {
    const froms = [...read('Dockerfile').matchAll(/^FROM\s+(\S+)/gm)].map((m) => m[1]);
    assert.equal(froms.at(-1), 'mcr.microsoft.com/azure-functions/node:4-node20');
    assert.match(read('Dockerfile'), /AzureWebJobsScriptRoot=\/home\/site\/wwwroot/);
  });

  it('has every shared and local setting in local.settings.example.json, with no secret in it', () => {
    const example = JSON.parse(read('local.settings.example.json')) as { Values: Record<string, string> };
    const missing = [...SHARED_SETTINGS, ...LOCAL_SETTINGS, ...CHANNEL_SECRET_SETTINGS].filter(
      (name) => !(name in example.Values),
    );
    assert.deepEqual(missing, []);
    for (const name of SECRET_SETTINGS) assert.equal(example.Values[name], '', `${name} is left empty`);
    assert.equal(example.Values.AzureWebJobsStorage, 'UseDevelopmentStorage=true', 'Azurite locally');
    assert.equal(example.Values.LC_WORKER_SCHEDULE?.trim().split(/\s+/).length, 6, 'NCRONTAB has six fields');
  });

  it('sets every shared and Azure setting in main.bicep, secrets only as Key Vault references', () => {
    const settings = bicepAppSettings(read('main.bicep'));
    const missing = [...SHARED_SETTINGS, ...AZURE_SETTINGS].filter((name) => !settings.has(name));
    assert.deepEqual(missing, []);
    assert.match(
      settings.get('LC_STRIPE_SECRET_KEY') ?? '',
      /^'@Microsoft\.KeyVault\(SecretUri=\$\{vault\.properties\.vaultUri\}secrets\/[a-z-]+\/\)'$/,
    );
    assert.ok(!settings.has('LC_CLIENT_SECRET'), 'in Azure the managed identity signs in: no client secret');
    assert.ok(!settings.has('AzureWebJobsStorage'), 'storage by identity, not by a key in a connection string');
    assert.equal(settings.get('AzureWebJobsStorage__credential'), "'managedidentity'");
    assert.match(read('main.bicep'), /allowSharedKeyAccess: false/);
    assert.match(read('main.bicep'), /keyVaultReferenceIdentity: identity\.id/);
  });

  it('outputs what a deployment needs next: the app, its health URL, the identity to grant, the vault, the queue', () => {
    const outputs = [...read('main.bicep').matchAll(/^output (\w+) string/gm)].map((m) => m[1]);
    assert.deepEqual(outputs.sort(), [
      'functionAppName',
      'healthUrl',
      'identityClientId',
      'identityPrincipalId',
      'keyVaultName',
      'queueName',
      'storageAccountName',
    ]);
  });

  it('retries a failing message five times, decodes base64 and runs one mailbox at a time per instance', () => {
    const host = JSON.parse(read('host.json')) as { version: string; extensions: { queues: Record<string, unknown> } };
    assert.equal(host.version, '2.0');
    assert.deepEqual(
      { ...host.extensions.queues },
      {
        batchSize: 1,
        newBatchThreshold: 0,
        maxDequeueCount: 5,
        visibilityTimeout: '00:00:30',
        maxPollingInterval: '00:00:10',
        messageEncoding: 'base64',
      },
    );
    const pkg = JSON.parse(read('package.json')) as { main: string; dependencies: Record<string, string> };
    assert.equal(pkg.main, 'dist/index.js');
    assert.ok(pkg.dependencies['@azure/functions']?.startsWith('^4.'));
    assert.match(readFileSync(path.join(dir, '..', 'esbuild.mjs'), 'utf8'), /outfile: 'functions\/dist\/index\.js'/);
  });

  it('registers a timer, a queue trigger and a health check bound to the settings', () => {
    const bindings: Record<string, Record<string, unknown>> = {};
    const record = (name: string, options: Record<string, unknown>): void => {
      bindings[name] = options;
    };
    const recorder = { timer: record, storageQueue: record, http: record } as unknown as FunctionsRegistrar;
    registerWorkerFunctions(recorder, {} as WorkerServices);
    assert.equal(bindings[FUNCTION_NAMES.timer]?.schedule, '%LC_WORKER_SCHEDULE%');
    assert.equal(bindings[FUNCTION_NAMES.queue]?.queueName, '%LC_WORKER_QUEUE%');
    assert.equal(bindings[FUNCTION_NAMES.queue]?.connection, 'AzureWebJobsStorage');
    assert.equal(bindings[FUNCTION_NAMES.health]?.route, 'health');
  });
});
