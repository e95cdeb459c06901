// Rendering reminders and follow-ups from Liquid templates: a template that names something missing
// fails loudly before anything is saved, a workspace template (input we do not control) can neither
// read files outside its folder nor run unbounded, and a client's own text is escaped in the HTML body.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LifeCockpitError } from '../../../src/core/errors';
import {
  defaultTemplates,
  loadTemplates,
  renderMessage,
  templatesWith,
  type MessageInput,
} from '../../../src/core/reminders';
import { aClient, aPractitioner } from '../../builders/clientBuilder';
import { aSession } from '../../builders/sessionBuilder';

function input(overrides: Partial<MessageInput> = {}): MessageInput {
  return {
    kind: 'reminder',
    session: aSession().at('2026-11-25T10:00:00Z').build(),
    client: aClient().build(),
    practitioner: aPractitioner().build(),
    ...overrides,
  };
}

const SUBJECT = '{% capture subject %}Your session{% endcapture %}';

async function renderFailure(promise: Promise<unknown>): Promise<LifeCockpitError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof LifeCockpitError, `expected a LifeCockpitError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected the render to fail');
}

describe('rendering a message from its template', () => {
  it('renders the shipped English reminder with subject and body', async () => {
    const message = await renderMessage(input(), defaultTemplates());
    assert.match(message.subject, /Wednesday, 25 November|Wednesday, November 25/);
    assert.match(message.body, /Alex/);
    assert.match(message.body, /10:00/);
    assert.equal(message.contentType, 'html');
  });

  it('renders the shipped follow-up too', async () => {
    const message = await renderMessage(input({ kind: 'followUp' }), defaultTemplates());
    assert.ok(message.subject.length > 0);
    assert.match(message.body, /Alex/);
  });

  it('fails naming the missing variable, the template file and its line', async () => {
    const templates = templatesWith({
      'reminder.liquid': `${SUBJECT}\nHello {{ client.name }},\nsee you {{ session.roomNumber }}.`,
    });
    const error = await renderFailure(renderMessage(input(), templates));
    assert.equal(error.code, 'template.missingVariable');
    assert.equal(error.retriable, false);
    assert.match(error.message, /session\.roomNumber/);
    assert.match(error.message, /reminder\.liquid/);
    assert.match(error.message, /line 3/);
    assert.deepEqual(error.detail, {
      template: 'reminder.liquid',
      file: path.join('.lifecockpit', 'templates', 'reminder.liquid'),
      line: 3,
      variable: 'session.roomNumber',
    });
  });

  it('fails on a field the client record lacks instead of leaving a blank', async () => {
    const templates = templatesWith({ 'reminder.liquid': `${SUBJECT}Dear {{ client.firstName }}` });
    const client = aClient().named('Morgan').build();
    const error = await renderFailure(renderMessage(input({ client }), templates));
    assert.equal(error.code, 'template.missingVariable');
    assert.match(error.message, /client\.firstName/);
  });

  it('lets a template test an optional field with if or default', async () => {
    const templates = templatesWith({
      'reminder.liquid': `${SUBJECT}Dear {{ client.firstName | default: client.name }}{% if session.notThere %}!{% endif %}`,
    });
    const client = aClient().named('Morgan').build();
    const message = await renderMessage(input({ client }), templates);
    assert.equal(message.body, 'Dear Morgan');
  });

  it('fails on an unknown filter, naming it', async () => {
    const templates = templatesWith({ 'reminder.liquid': `${SUBJECT}\n{{ client.name | shout }}` });
    const error = await renderFailure(renderMessage(input(), templates));
    assert.equal(error.code, 'template.unknownFilter');
    assert.match(error.message, /shout/);
    assert.match(error.message, /reminder\.liquid/);
    assert.match(error.message, /line 2/);
    assert.equal(error.retriable, false);
  });

  it('fails when the template captures no subject', async () => {
    const templates = templatesWith({ 'reminder.liquid': 'Hello {{ client.name }}' });
    const error = await renderFailure(renderMessage(input(), templates));
    assert.equal(error.code, 'template.noSubject');
    assert.match(error.message, /capture subject/);
  });

  it('prefers a workspace template over the shipped default', async () => {
    const templates = templatesWith({
      'reminder.liquid': '{% capture subject %}See you soon, {{ client.name }}{% endcapture %}Custom body',
    });
    const message = await renderMessage(input(), templates);
    assert.equal(message.subject, 'See you soon, Alex Morgan');
    assert.equal(message.body, 'Custom body');
  });

  it('reads workspace templates from the folder and overrides only those it holds', async () => {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'lc-templates-'));
    try {
      fs.writeFileSync(
        path.join(folder, 'reminder.liquid'),
        '{% capture subject %}From the workspace{% endcapture %}Workspace body',
      );
      fs.writeFileSync(path.join(folder, 'notes.txt'), 'not a template');
      const templates = await loadTemplates(folder);
      const reminder = await renderMessage(input(), templates);
      assert.equal(reminder.subject, 'From the workspace');
      const followUp = await renderMessage(input({ kind: 'followUp' }), templates);
      assert.deepEqual(followUp, await renderMessage(input({ kind: 'followUp' }), defaultTemplates()));
    } finally {
      fs.rmSync(folder, { recursive: true, force: true });
    }
  });

  it('uses the shipped defaults when the workspace has no templates folder', async () => {
    const templates = await loadTemplates(path.join(os.tmpdir(), 'lc-no-such-folder', 'templates'));
    assert.deepEqual(await renderMessage(input(), templates), await renderMessage(input(), defaultTemplates()));
  });

  it('names the file when a workspace template does not parse', async () => {
    const templates = templatesWith({ 'reminder.liquid': `${SUBJECT}{% if client.name %}unclosed` });
    const error = await renderFailure(renderMessage(input(), templates));
    assert.equal(error.code, 'template.syntax');
    assert.match(error.message, /reminder\.liquid/);
  });
});

describe('language and time zone of a message', () => {
  it('renders German with a German date in Europe/Berlin', async () => {
    const client = aClient().speaking('de').in('Europe/Berlin').build();
    const message = await renderMessage(input({ client }), defaultTemplates());
    assert.match(message.subject, /Mittwoch, 25\. November 2026/);
    assert.match(message.body, /11:00/, '10:00 UTC is 11:00 in Berlin in November');
    assert.match(message.body, /Hallo Alex/);
  });

  it('uses a regional language through its base language template (de-AT uses reminder.de)', async () => {
    const client = aClient().speaking('de-AT').in('Europe/Vienna').build();
    const message = await renderMessage(input({ client }), defaultTemplates());
    assert.match(message.body, /Hallo Alex/);
    assert.match(message.subject, /Mittwoch, 25\. November 2026/);
  });

  it("falls back to the practice's time zone when the client's is unknown", async () => {
    const practitioner = aPractitioner().in('America/New_York').build();
    const message = await renderMessage(input({ practitioner }), defaultTemplates());
    assert.match(message.body, /5:00\sAM/, '10:00 UTC is 5:00 AM in New York in November');
  });

  it('lets the caller choose the language and time zone over the client record', async () => {
    const client = aClient().speaking('en').in('Europe/London').build();
    const message = await renderMessage(input({ client, language: 'de', timeZone: 'Asia/Tokyo' }), defaultTemplates());
    assert.match(message.body, /19:00/);
    assert.match(message.body, /Hallo/);
  });

  it('falls back to English for a language without a template, formatting dates in English too', async () => {
    const client = aClient().speaking('fi').build();
    const message = await renderMessage(input({ client }), defaultTemplates());
    assert.match(message.subject, /Wednesday/);
  });

  it("renders Liquid's own date filter in the client's time zone", async () => {
    const templates = templatesWith({ 'reminder.liquid': `${SUBJECT}{{ session.start | date: '%H:%M' }}` });
    const client = aClient().in('Asia/Kolkata').build();
    const message = await renderMessage(input({ client }), templates);
    assert.equal(message.body, '15:30');
  });

  it('refuses a time zone that is not an IANA name, naming it', async () => {
    const client = aClient().in('Mars/Olympus').build();
    const error = await renderFailure(renderMessage(input({ client }), defaultTemplates()));
    assert.equal(error.code, 'template.invalidTimeZone');
    assert.match(error.message, /Mars\/Olympus/);
  });

  it('refuses a language that is not a language tag before it reaches a file name', async () => {
    const client = aClient().speaking('../../etc/passwd').build();
    const error = await renderFailure(renderMessage(input({ client }), defaultTemplates()));
    assert.equal(error.code, 'template.invalidLanguage');
  });
});

describe('a hostile workspace template', () => {
  for (const reference of ['../../etc/passwd', '/etc/passwd', '..\\..\\secrets', 'sub/dir']) {
    it(`cannot include ${reference}`, async () => {
      const templates = templatesWith({ 'reminder.liquid': `${SUBJECT}{% include '${reference}' %}` });
      const error = await renderFailure(renderMessage(input(), templates));
      assert.equal(error.code, 'template.pathRefused');
      assert.match(error.message, /etc\/passwd|secrets|sub\/dir/);
      assert.doesNotMatch(error.message, /root:/);
    });
  }

  it('names the included file and its line when a variable is missing there', async () => {
    const templates = templatesWith({
      'reminder.liquid': `${SUBJECT}\n\n\n{% include 'signature' %}`,
      'signature.liquid': '--\n{{ practitioner.phone }}',
    });
    const error = await renderFailure(renderMessage(input(), templates));
    assert.equal(error.code, 'template.missingVariable');
    assert.match(error.message, /signature\.liquid, line 2/);
  });

  it('cannot render a path outside the folder either', async () => {
    const templates = templatesWith({ 'reminder.liquid': `${SUBJECT}{% render '../../etc/passwd' %}` });
    const error = await renderFailure(renderMessage(input(), templates));
    assert.equal(error.code, 'template.pathRefused');
  });

  it('can include another template of the folder by name', async () => {
    const templates = templatesWith({
      'reminder.liquid': `${SUBJECT}{% include 'signature' %}`,
      'signature.liquid': '-- {{ practitioner.name }}',
    });
    const message = await renderMessage(input(), templates);
    assert.equal(message.body, '-- Dr. Sam Rivera');
  });

  it('ignores a symbolic link in the templates folder rather than following it', async function () {
    if (process.platform === 'win32') this.skip();
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'lc-templates-'));
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'lc-outside-'));
    try {
      fs.writeFileSync(path.join(outside, 'secret.liquid'), 'TOP SECRET');
      fs.symlinkSync(path.join(outside, 'secret.liquid'), path.join(folder, 'signature.liquid'));
      fs.writeFileSync(path.join(folder, 'reminder.liquid'), `${SUBJECT}{% include 'signature' %}`);
      const templates = await loadTemplates(folder);
      const error = await renderFailure(renderMessage(input(), templates));
      assert.equal(error.code, 'template.notFound');
      assert.doesNotMatch(error.message, /TOP SECRET/);
    } finally {
      fs.rmSync(folder, { recursive: true, force: true });
      fs.rmSync(outside, { recursive: true, force: true });
    }
  });

  it('is stopped by the limits when it loops over a huge range', async () => {
    const templates = templatesWith({
      'reminder.liquid': `${SUBJECT}{% for i in (1..100000000) %}{% for j in (1..100000000) %}x{% endfor %}{% endfor %}`,
    });
    const started = Date.now();
    const error = await renderFailure(renderMessage(input(), templates));
    assert.equal(error.code, 'template.limitExceeded');
    assert.ok(Date.now() - started < 10_000, 'the limit stops it in seconds');
  });

  it('is stopped when it includes itself forever', async () => {
    const templates = templatesWith({ 'reminder.liquid': `${SUBJECT}x{% include 'reminder' %}` });
    const error = await renderFailure(renderMessage(input(), templates));
    assert.equal(error.code, 'template.limitExceeded');
  });

  it('is refused when it is too large to parse', async () => {
    const templates = templatesWith({ 'reminder.liquid': `${SUBJECT}${'x'.repeat(2_000_000)}` });
    const error = await renderFailure(renderMessage(input(), templates));
    assert.equal(error.code, 'template.limitExceeded');
  });

  it('escapes a client-supplied value in the HTML body and keeps the subject plain text', async () => {
    const client = aClient().named('<script>alert(1)</script>', '<script>').build();
    const templates = templatesWith({
      'reminder.liquid': '{% capture subject %}For {{ client.name }}{% endcapture %}<p>Hello {{ client.name }}</p>',
    });
    const message = await renderMessage(input({ client }), templates);
    assert.equal(message.body, '<p>Hello &lt;script&gt;alert(1)&lt;/script&gt;</p>');
    assert.equal(message.subject, 'For <script>alert(1)</script>');
  });

  it('escapes client values in the shipped defaults too', async () => {
    const client = aClient().named('<b>x</b>', '<img src=x onerror=alert(1)>').build();
    for (const kind of ['reminder', 'followUp'] as const) {
      const message = await renderMessage(input({ kind, client }), defaultTemplates());
      assert.doesNotMatch(message.body, /<img|<b>/, kind);
    }
  });
});

describe('the payment link (Charge Session by Stripe Checkout)', () => {
  const payment = {
    url: 'https://checkout.stripe.com/c/pay/cs_test_a1?x=1&y=2',
    amountCents: 9000,
    currency: 'eur',
    expiresAt: new Date('2026-11-26T10:00:00Z'),
  };

  it('renders the shipped English link with the amount as money, the link and until when it works', async () => {
    const message = await renderMessage(input({ kind: 'paymentLink', payment }), defaultTemplates());
    assert.match(message.subject, /Payment for your session on/);
    assert.match(message.body, /€90\.00/);
    assert.ok(message.body.includes('href="https://checkout.stripe.com/c/pay/cs_test_a1?x=1&amp;y=2"'));
    assert.match(message.body, /November 26|26 November/);
  });

  it('renders the shipped German link for a German-speaking client', async () => {
    const client = aClient().speaking('de').build();
    const message = await renderMessage(input({ kind: 'paymentLink', payment, client }), defaultTemplates());
    assert.match(message.subject, /^Zahlung für Ihren Termin/);
    assert.match(message.body, /90,00\s€/);
  });

  it('refuses to render the link without a payment rather than mail a blank link', async () => {
    const error = await renderFailure(renderMessage(input({ kind: 'paymentLink' }), defaultTemplates()));
    assert.equal(error.code, 'template.missingVariable');
    assert.match(error.message, /"payment/);
  });

  it('refuses a workspace link template naming a payment field that does not exist', async () => {
    const templates = templatesWith({
      'paymentLink.liquid': `${SUBJECT}<p>Pay {{ payment.amount }} by {{ payment.dueDate }}: {{ payment.url }}</p>`,
    });
    const error = await renderFailure(renderMessage(input({ kind: 'paymentLink', payment }), templates));
    assert.equal(error.code, 'template.missingVariable');
    assert.match(error.message, /payment\.dueDate/);
  });
});
