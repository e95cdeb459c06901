// What goes wrong for a practitioner with the channel secrets in the editor: a secret typed for one profile
// reaching another after a switch (even one made while the box was open), a secret in the log, a malformed
// one accepted, the sandbox's ACS key offered to a profile that is not the local sandbox, and a send with an
// SMS reminder due and no ACS secret, which must skip it and offer the command that sets it.
import { strict as assert } from 'node:assert';
import type { DataverseClient } from '../../../src/core/dataverse';
import { profileSchema, type Profile } from '../../../src/core/config';
import { LogHub, type LogRecord } from '../../../src/core/log';
import { DEFAULT_TABLES, MESSAGE_CHANNEL, MESSAGE_KIND, MESSAGE_STATUS } from '../../../src/core/practice';
import { FakeClock } from '../../builders/fakeClock';
import { fakeGraph } from '../../builders/fakeGraph';
import { DueRowsDataverse } from '../../builders/fakeTransport';
import { MemorySecrets } from '../../builders/memorySecrets';
import { loadWithVscode } from './vscodeStandIn';

type ChannelSecretsModule = typeof import('../../../src/vscode/channelSecrets');
type SendingModule = typeof import('../../../src/vscode/reminderSending');

const ACS = 'endpoint=https://practice.communication.azure.com/;accesskey=c2VjcmV0LWtleS1mb3ItdGVzdHM=';
const SANDBOX_ACS = 'endpoint=https://localhost:8443/;accesskey=c2FuZGJveC1rZXk=';
const work = profileSchema.parse({ name: 'work', kind: 'live', smsFrom: '+18005550100' });
const home = profileSchema.parse({ name: 'home', kind: 'live', smsFrom: '+18005550100' });
const sandbox = profileSchema.parse({
  name: 'sandbox',
  kind: 'sandbox',
  authorityHost: 'https://localhost:8443',
  smsFrom: '+18005550123',
});

class Emitter<T> {
  private readonly listeners = new Set<(value: T) => void>();
  readonly event = (listener: (value: T) => void) => {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  };
  fire(value: T): void {
    for (const l of this.listeners) l(value);
  }
  dispose(): void {
    this.listeners.clear();
  }
}

/** The editor as the test drives it: each prompt answered by a function, every message recorded. */
interface Editor {
  pick?: (items: Array<{ label: string; secret?: string }>) => unknown;
  input?: (options: { validateInput: (v: string) => string | undefined; title: string }) => Promise<string | undefined>;
  warn?: (message: string, buttons: string[]) => string | undefined;
  infos: string[];
  warnings: string[];
  executed: unknown[][];
}

function standIn(editor: Editor) {
  return {
    window: {
      showQuickPick: async (items: Array<{ label: string }>) => editor.pick?.(items),
      showInputBox: async (options: never) => editor.input?.(options),
      showInformationMessage: async (message: string) => void editor.infos.push(message),
      showWarningMessage: async (message: string, ...rest: unknown[]) => {
        editor.warnings.push(message);
        const buttons = rest.filter((b): b is string => typeof b === 'string');
        return editor.warn?.(message, buttons);
      },
      withProgress: async (_o: unknown, task: (p: unknown, t: unknown) => Promise<unknown>) =>
        task(
          { report: () => undefined },
          { isCancellationRequested: false, onCancellationRequested: () => ({ dispose: () => undefined }) },
        ),
    },
    commands: { executeCommand: async (...args: unknown[]) => void editor.executed.push(args) },
    EventEmitter: Emitter,
    ProgressLocation: { Notification: 15 },
  };
}

const anEditor = (over: Partial<Editor> = {}): Editor => ({ infos: [], warnings: [], executed: [], ...over });

function loadSecrets(editor: Editor): ChannelSecretsModule {
  return loadWithVscode<ChannelSecretsModule>('../../../src/vscode/channelSecrets', standIn(editor));
}

/** A workspace whose active profile the test can switch. */
function services(active: Profile, secrets = new MemorySecrets()) {
  const hub = new LogHub();
  const records: LogRecord[] = [];
  hub.addSink({ write: (r) => void records.push(r) });
  const config = { loaded: { activeProfile: active as Profile | undefined } };
  return {
    s: { secrets, hub, config, log: hub.logger('business'), env: {} as NodeJS.ProcessEnv },
    secrets,
    hub,
    records,
    config,
  };
}

describe('channel secrets in the editor', () => {
  it('stores a secret under the profile named in the box, even when the workspace switches profile while it is open', async () => {
    const { s, secrets, config } = services(work);
    const editor = anEditor({
      pick: (items) => items.find((i) => i.secret === 'acsConnectionString'),
      input: async (options) => {
        assert.match(options.title, /profile work/);
        config.loaded.activeProfile = home; // switched meanwhile
        return ACS;
      },
    });
    await loadSecrets(editor).setChannelSecret(s);
    assert.deepEqual([...secrets.map.keys()], ['lifeCockpit.work.acsConnectionString']);
    const m = loadSecrets(editor);
    assert.equal((await m.channelSecretsOf(s, work)).acsConnectionString, ACS);
    assert.deepEqual(await m.channelSecretsOf(s, home), {}, 'the other profile gets nothing');
  });

  it('never shows or logs the secret, and masks it (and its key alone) in any later log line', async () => {
    const { s, records, hub } = services(work);
    const editor = anEditor({ pick: (items) => items[0], input: async () => ACS });
    await loadSecrets(editor).setChannelSecret(s);
    hub.logger('api').info(`request with ${ACS} and c2VjcmV0LWtleS1mb3ItdGVzdHM=`);
    const text = JSON.stringify(records) + editor.infos.join('\n');
    assert.doesNotMatch(text, /c2VjcmV0LWtleS1mb3ItdGVzdHM=/);
    assert.match(editor.infos.join('\n'), /Stored the ACS connection string \(SMS\) of profile work/);
  });

  it('refuses a malformed secret as it is typed, without quoting it', async () => {
    const m = loadSecrets(anEditor());
    const acs = m.channelSecretProblem('acsConnectionString', 'endpoint=http://x/;accesskey=hunter2!');
    assert.match(acs ?? '', /endpoint=https:\/\/<resource>/);
    assert.doesNotMatch(acs ?? '', /hunter2|LC_ACS/);
    assert.equal(m.channelSecretProblem('acsConnectionString', ACS), undefined);
    const smtp = m.channelSecretProblem('smtpUrl', 'http://user:pa55word@mail.example.test');
    assert.match(smtp ?? '', /smtp:\/\/user:password@host:587/);
    assert.doesNotMatch(smtp ?? '', /pa55word/);
    assert.equal(m.channelSecretProblem('smtpUrl', 'smtps://me:pa55word@mail.example.test:465'), undefined);
    assert.match(m.channelSecretProblem('sendgridApiKey', 'not-a-key') ?? '', /SG\./);
    assert.equal(m.channelSecretProblem('sendgridApiKey', 'SG.abc_DEF-1.xyz'), undefined);
  });

  it('stores nothing when the box is dismissed', async () => {
    const { s, secrets } = services(work);
    const editor = anEditor({ pick: (items) => items[0], input: async () => undefined });
    await assert.rejects(loadSecrets(editor).setChannelSecret(s), { code: 'cancelled' });
    assert.equal(secrets.map.size, 0);
  });

  it('clears one secret of the active profile and leaves the other profile’s', async () => {
    const { s, secrets } = services(work);
    secrets.map.set('lifeCockpit.work.smtpUrl', 'smtp://a:b@h');
    secrets.map.set('lifeCockpit.home.smtpUrl', 'smtp://c:d@h');
    let round = 0;
    const editor = anEditor({ pick: (items) => (round++ === 0 ? items.at(-1) : items[0]) });
    await loadSecrets(editor).setChannelSecret(s);
    assert.deepEqual([...secrets.map.keys()], ['lifeCockpit.home.smtpUrl']);
  });

  it('gives the sandbox’s ACS connection string to the local sandbox profile only, and only for a local endpoint', () => {
    const m = loadSecrets(anEditor());
    const env = { [m.HANDED_SANDBOX_ACS_ENV]: SANDBOX_ACS };
    assert.equal(m.sandboxAcsConnectionString({ env }, sandbox), SANDBOX_ACS);
    assert.equal(m.sandboxAcsConnectionString({ env }, work), undefined, 'a live profile');
    const elsewhere = { ...sandbox, authorityHost: 'https://sandbox.example.test' };
    assert.equal(m.sandboxAcsConnectionString({ env }, elsewhere), undefined, 'a sandbox profile on another host');
    assert.equal(
      m.sandboxAcsConnectionString({ env: { [m.HANDED_SANDBOX_ACS_ENV]: ACS } }, sandbox),
      undefined,
      'a key for an endpoint off this machine',
    );
    const started = { running: { knownAuthority: 'localhost:8443', acsConnectionString: SANDBOX_ACS } as never };
    assert.equal(m.sandboxAcsConnectionString({ sandbox: started, env: {} }, sandbox), SANDBOX_ACS, 'Start Sandbox');
    const other = { running: { knownAuthority: 'localhost:9443', acsConnectionString: SANDBOX_ACS } as never };
    assert.equal(m.sandboxAcsConnectionString({ sandbox: other, env: {} }, sandbox), undefined, 'another sandbox');
  });
});

describe('sending from the editor through the channels', () => {
  const t = DEFAULT_TABLES.scheduledMessage;
  const c = t.columns;
  const ID = '5a7c9e10-2b4d-4f6a-8c1e-3d5f7a9b1c01';

  function world(profile: Profile, secrets: MemorySecrets, editor: Editor) {
    const clock = new FakeClock();
    const dataverse = new DueRowsDataverse(clock);
    dataverse.seed(t.entitySet, {
      [t.primaryId]: ID,
      [c.status]: MESSAGE_STATUS.approved,
      [c.kind]: MESSAGE_KIND.reminder,
      [c.channel]: MESSAGE_CHANNEL.sms,
      [c.phone]: '+447700900123',
      [c.clientName]: 'Ana Lima',
      [c.subject]: '',
      [c.text]: 'See you tomorrow at 10:00.',
      [c.scheduledTime]: new Date(clock.now() - 60_000).toISOString(),
      [c.attempts]: 0,
    });
    const hub = new LogHub();
    const graph = fakeGraph(() => ({ status: 500, body: { error: { code: 'Unexpected', message: 'not Graph' } } }));
    const clients = {
      profile,
      dataverse: dataverse as unknown as DataverseClient,
      graph: graph.client,
      tables: DEFAULT_TABLES,
      identity: { clientId: 'app', tenantId: 't', roles: [] },
      http: {} as never,
    };
    const reminders = new Emitter<unknown>();
    const m = loadSecrets(editor);
    const sending = loadWithVscode<SendingModule>('../../../src/vscode/reminderSending', standIn(editor));
    const sender = new sending.ReminderSender({
      clock,
      config: {
        loaded: {
          config: { reminders: { perMinute: 30, concurrency: 4, maxAttempts: 5, submittedDraftGraceSeconds: 300 } },
        },
      } as never,
      documents: {} as never,
      hub,
      log: hub.logger('business'),
      session: {
        clients,
        reminders: { onDidChange: reminders.event },
        refresh: async () => undefined,
        sessions: { current: { data: [] } },
      } as never,
      channelSecrets: (p: Profile) => m.channelSecretsOf({ secrets, hub, env: {} }, p),
      showLog: () => undefined,
    });
    return { sender, clients, dataverse, row: () => dataverse.row(t.entitySet, ID) as Record<string, unknown> };
  }

  it('skips an SMS reminder when the profile has no ACS secret, says so and offers Set Channel Secret…', async () => {
    const editor = anEditor({ warn: (_m, buttons) => buttons.find((b) => b === 'Set Channel Secret…') });
    const { sender, clients, row } = world(work, new MemorySecrets(), editor);
    const report = await sender.send(clients as never, { ask: false });
    assert.equal(report?.skipped, 1);
    assert.equal(row()[c.status], MESSAGE_STATUS.approved, 'it stays due for the next send');
    const said = editor.warnings.join('\n');
    assert.match(said, /SMS \(Azure Communication Services\) is not set up for profile "work"/);
    assert.match(said, /Set Channel Secret…/);
    assert.deepEqual(editor.executed, [['lifeCockpit.setChannelSecret', 'acsSms']]);
  });

  it('does not use another profile’s ACS secret after a switch', async () => {
    const secrets = new MemorySecrets();
    secrets.map.set('lifeCockpit.work.acsConnectionString', ACS);
    const editor = anEditor();
    const { sender, clients } = world(home, secrets, editor);
    const report = await sender.send(clients as never, { ask: false });
    assert.equal(report?.skipped, 1);
    assert.match(editor.warnings.join('\n'), /not set up for profile "home"/);
  });
});
