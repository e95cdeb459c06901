// What goes wrong for a practitioner charging from the editor: the profile switched while the confirmation was
// open (nothing may be charged on either profile), a double click (one question, one charge), a cancelled
// refresh (stops before Stripe, says so, and the tree still refreshes), and the words of the questions: the
// profile, its Stripe mode and the amount, test mode saying Stripe sends no invoice e-mail.
import { strict as assert } from 'node:assert';
import { profileSchema, type Profile } from '../../../src/core/config';
import { LogHub } from '../../../src/core/log';
import { DEFAULT_TABLES } from '../../../src/core/practice';
import type { AuthState } from '../../../src/core/auth';
import { MemoryDataverse } from '../../builders/memoryDataverse';
import { aContact, seedContact } from '../../builders/sessionActionDeps';
import { aSession } from '../../builders/sessionBuilder';
import { failure } from '../../builders/failure';
import {
  chargeQuestion,
  checkoutQuestion,
  dashboardUrl,
  parseRefundAmount,
  refundQuestion,
  stripeModeView,
} from '../../../src/vscode/paymentText';

import { loadWithVscode } from './vscodeStandIn';

type Commands = typeof import('../../../src/vscode/paymentCommands');

const T = DEFAULT_TABLES.session;
const C = T.columns;
const TEST_KEY = 'sk_test_51AbCdEfGhIjKlMnOpQrStUv';

const practiceTest = profileSchema.parse({
  name: 'practice-test',
  kind: 'test',
  stripeMode: 'test',
  tenantId: 'contoso.onmicrosoft.com',
});
const practiceLive = profileSchema.parse({ name: 'practice', kind: 'live', stripeMode: 'live' });

interface Editor {
  warnings: Array<{ message: string; detail?: string }>;
  infos: string[];
  /** Answers the next confirmation (after running what the test wants to happen meanwhile). */
  confirm: (message: string) => Promise<string | undefined>;
  cancelProgress: boolean;
}

function load(editor: Editor): Commands {
  const window = {
    showWarningMessage: async (message: string, options: { detail?: string }) => {
      editor.warnings.push({ message, detail: options.detail });
      return editor.confirm(message);
    },
    showInformationMessage: async (message: string) => {
      editor.infos.push(message);
      return undefined;
    },
    withProgress: async (
      _options: unknown,
      task: (progress: unknown, token: unknown) => Promise<unknown>,
    ): Promise<unknown> => {
      const token = {
        isCancellationRequested: editor.cancelProgress,
        onCancellationRequested: (listener: () => void) => {
          if (editor.cancelProgress) listener();
          return { dispose: () => undefined };
        },
      };
      return task({ report: () => undefined }, token);
    },
  };
  const standIn = {
    window,
    env: { openExternal: async () => true },
    Uri: { parse: (u: string) => u },
    ProgressLocation: { Notification: 15 },
  };
  return loadWithVscode<Commands>('../../../src/vscode/paymentCommands', standIn);
}

function practiceWith(dv: MemoryDataverse, payment = 100000001): string {
  const clientId = seedContact(dv, aContact().build());
  const id = '5e550000-0000-4000-8000-000000000001';
  dv.seed(T.entitySet, {
    [T.primaryId]: id,
    [C.subject]: 'Session with Alex',
    [C.start]: '2026-01-05T10:00:00Z',
    [C.end]: '2026-01-05T10:50:00Z',
    [C.fee]: 90,
    [C.paymentStatus]: payment,
    [C.stripeInvoiceId]: 'in_test_1',
    [`${C.regardingClientNav}@odata.bind`]: `/contacts(${clientId})`,
  });
  return id;
}

function services(profile: Profile, dv: MemoryDataverse) {
  const identity = { clientId: 'app', tenantId: 't', roles: [] };
  const clients = { profile, http: {} as never, dataverse: dv, tables: DEFAULT_TABLES, identity };
  let refreshed = 0;
  const session = {
    clients: clients as unknown,
    requireClients: () => clients,
    requireDataverse: () => clients,
    refresh: async () => void refreshed++,
    sessions: { current: { data: [] } },
  };
  const secrets = new Map([[`lifeCockpit/${profile.name}/stripeSecretKey/${profile.stripeMode}`, TEST_KEY]]);
  const s = {
    session,
    hub: new LogHub(),
    auth: { state: { kind: 'signedIn', identity } },
    config: { loaded: { config: { payments: { currency: 'eur', daysUntilDue: 14 } } } },
    context: { secrets: { get: async (k: string) => secrets.get(k), store: async () => undefined } },
    sandbox: { running: undefined },
  };
  return { s: s as never, c: clients as never, session, refreshes: () => refreshed };
}

const row = (id: string) => ({ kind: 'session', session: { ...aSession().attended().unpaid().build(), id } });

describe('payment commands in the editor', () => {
  it('charges nothing when the profile switched while the confirmation was open', async () => {
    const dv = new MemoryDataverse();
    const id = practiceWith(dv);
    const { s, c, session } = services(practiceTest, dv);
    const editor: Editor = {
      warnings: [],
      infos: [],
      cancelProgress: false,
      confirm: async () => {
        session.clients = { ...(session.clients as object), profile: practiceLive };
        return 'Charge';
      },
    };
    const commands = load(editor);
    const error = await failure(commands.chargeSessionCommand(s, c, row(id), new commands.PaymentsUnderWay()));
    assert.equal(error.code, 'payments.profileChanged');
    assert.match(error.message, /nothing was charged on practice-test/);
    assert.deepEqual(dv.writes, [], 'nothing was recorded on the session');
  });

  it('asks once on a double click, and says the second click found a charge under way', async () => {
    const dv = new MemoryDataverse();
    const id = practiceWith(dv);
    const { s, c } = services(practiceTest, dv);
    let answer: (value: string | undefined) => void = () => undefined;
    const editor: Editor = {
      warnings: [],
      infos: [],
      cancelProgress: false,
      confirm: () => new Promise((resolve) => (answer = resolve)),
    };
    const commands = load(editor);
    const underWay = new commands.PaymentsUnderWay();
    const first = commands.chargeSessionCommand(s, c, row(id), underWay);
    while (editor.warnings.length === 0) await new Promise((resolve) => setImmediate(resolve));
    await commands.chargeSessionCommand(s, c, row(id), underWay);
    assert.equal(editor.warnings.length, 1, 'one confirmation');
    assert.match(editor.infos[0] ?? '', /is being charged already/);
    answer(undefined);
    assert.equal((await failure(first)).errorClass, 'cancelled');
    assert.deepEqual(dv.writes, []);
  });

  it('names the profile, the Stripe mode and the amount in the confirmation, and that test mode sends no e-mail', async () => {
    const dv = new MemoryDataverse();
    const id = practiceWith(dv);
    const { s, c } = services(practiceTest, dv);
    const editor: Editor = { warnings: [], infos: [], cancelProgress: false, confirm: async () => undefined };
    const commands = load(editor);
    await failure(commands.chargeSessionCommand(s, c, row(id), new commands.PaymentsUnderWay()));
    const [asked] = editor.warnings;
    assert.match(
      asked?.message ?? '',
      /^Charge 90\.00 EUR for "Session with Alex" in the test profile "practice-test"/,
    );
    assert.match(asked?.message ?? '', /Stripe TEST MODE/);
    assert.match(asked?.detail ?? '', /Stripe sends no invoice e-mail in test mode/);
    assert.match(asked?.detail ?? '', /alex@example\.test/);
  });

  it('charges a profile that asks for Checkout links by link: the question names page, recipient and mailbox', async () => {
    const dv = new MemoryDataverse();
    const id = practiceWith(dv);
    const byLink = profileSchema.parse({
      ...practiceTest,
      stripeChargeMode: 'checkout',
      mailbox: 'dr.morgan@contoso.test',
    });
    const { s, c } = services(byLink, dv);
    const editor: Editor = { warnings: [], infos: [], cancelProgress: false, confirm: async () => undefined };
    const commands = load(editor);
    const error = await failure(commands.chargeSessionCommand(s, c, row(id), new commands.PaymentsUnderWay()));
    assert.equal(error.errorClass, 'cancelled', 'declining the question charges nothing');
    const [asked] = editor.warnings;
    assert.match(
      asked?.message ?? '',
      /^Charge 90\.00 EUR for "Session with Alex" by a Checkout link in the test profile/,
    );
    assert.match(asked?.detail ?? '', /link goes to .*alex@example\.test.* from dr\.morgan@contoso\.test/);
    assert.deepEqual(dv.writes, []);
  });

  it('says where a Checkout link goes in send-to-me mode: to the practitioner, naming the client', () => {
    const question = checkoutQuestion(practiceTest, {
      subject: 'Session with Alex',
      clientName: 'Alex Morgan',
      clientEmail: 'alex@example.test',
      amountCents: 9000,
      currency: 'eur',
      mailbox: 'dr.morgan@contoso.test',
      sendToSelf: true,
    });
    assert.match(
      question.detail,
      /goes to dr\.morgan@contoso\.test \(send-to-me mode: the mail names alex@example\.test\)/,
    );
    assert.match(question.detail, /nobody can pay the page with a real card/);
  });

  it('stops a cancelled Refresh Payment Status before Stripe, says so, and still refreshes the tree', async () => {
    const dv = new MemoryDataverse();
    const id = practiceWith(dv, 100000002);
    const { s, c, refreshes } = services(practiceTest, dv);
    const editor: Editor = { warnings: [], infos: [], cancelProgress: true, confirm: async () => undefined };
    const commands = load(editor);
    const error = await failure(commands.refreshPaymentStatusCommand(s, c, row(id)));
    assert.equal(error.errorClass, 'cancelled');
    assert.match(editor.infos[0] ?? '', /cancelled/);
    assert.equal(refreshes(), 1);
    assert.deepEqual(dv.writes, []);
  });

  it('reports what a refresh changed, and that nothing did', () => {
    const commands = load({ warnings: [], infos: [], cancelProgress: false, confirm: async () => undefined });
    const base = {
      sessionId: '1',
      subject: 'Intake',
      invoiceId: 'in_1',
      invoiceStatus: 'paid' as const,
      checkoutSessionId: null,
      checkoutStatus: null,
    };
    assert.equal(
      commands.refreshReport([{ ...base, before: 'invoiced', after: 'paid', changed: true }]),
      'Checked 1 session with Stripe; changed: "Intake" invoiced → paid.',
    );
    assert.match(
      commands.refreshReport([{ ...base, before: 'paid', after: 'paid', changed: false }]),
      /nothing changed/,
    );
  });
});

describe('payment words and addresses', () => {
  it('asks a live charge as real money that Stripe e-mails', () => {
    const q = chargeQuestion(practiceLive, {
      subject: 'Intake',
      clientName: 'Alex Morgan',
      clientEmail: 'alex@example.test',
      amountCents: 9000,
      currency: 'eur',
      daysUntilDue: 14,
    });
    assert.match(q.message, /the LIVE profile "practice".*Stripe LIVE MODE: real money/);
    assert.match(q.detail, /Stripe e-mails the invoice to alex@example\.test/);
  });

  it('names the amount and the profile when refunding, and what stays refundable', () => {
    const q = refundQuestion(practiceTest, {
      subject: 'Intake',
      amountCents: 4500,
      paidCents: 9000,
      refundedCents: 0,
      currency: 'eur',
    });
    assert.match(q.message, /^Refund 45\.00 EUR of "Intake" in the test profile "practice-test"/);
    assert.match(q.detail, /45\.00 EUR stays paid/);
  });

  it('takes a refund amount up to what is left, with a point or a comma', () => {
    assert.equal(parseRefundAmount('45', 9000, 'eur'), 4500);
    assert.equal(parseRefundAmount('45,5', 9000, 'eur'), 4550);
    assert.equal(parseRefundAmount(' 90.00 ', 9000, 'eur'), 9000);
    assert.match(String(parseRefundAmount('90.01', 9000, 'eur')), /At most 90\.00 EUR/);
    assert.match(String(parseRefundAmount('0', 9000, 'eur')), /above zero/);
    assert.match(String(parseRefundAmount('-5', 9000, 'eur')), /such as 45/);
    assert.match(String(parseRefundAmount('1e3', 9000, 'eur')), /such as 45/);
  });

  it('opens /test/ in the Dashboard in test mode, the plain path in live mode, and nothing for the sandbox', () => {
    const invoice = { kind: 'invoice', id: 'in_1' } as const;
    assert.equal(dashboardUrl(practiceTest, invoice), 'https://dashboard.stripe.com/test/invoices/in_1');
    assert.equal(dashboardUrl(practiceLive, invoice), 'https://dashboard.stripe.com/invoices/in_1');
    const sandbox = profileSchema.parse({ name: 'sandbox', kind: 'sandbox', stripeUrl: 'https://127.0.0.1:4242' });
    assert.equal(dashboardUrl(sandbox, invoice), undefined);
  });
});

describe('Stripe mode in the status bar and the Sessions view', () => {
  const signedIn = (profile: string): AuthState =>
    ({ kind: 'signedIn', profile, profileKind: 'test', identity: {} }) as unknown as AuthState;

  it('says TEST MODE for a test-mode profile and LIVE, flagged, for a live one', () => {
    assert.equal(stripeModeView(signedIn('practice-test'), practiceTest)?.viewDescription, 'Stripe TEST MODE');
    assert.match(stripeModeView(signedIn('practice-test'), practiceTest)?.text ?? '', /TEST MODE/);
    const live = stripeModeView(signedIn('practice'), practiceLive);
    assert.equal(live?.viewDescription, 'Stripe LIVE');
    assert.equal(live?.background, 'statusBarItem.warningBackground');
  });

  it('claims nothing while signed out or while another profile is signing in', () => {
    assert.equal(stripeModeView({ kind: 'signedOut' }, practiceTest), undefined);
    assert.equal(stripeModeView(signedIn('practice'), practiceTest), undefined);
  });
});
