// SMS variants of the message templates and the segment count a phone bills: GSM-7 when every character
// is in its alphabet (the extension table's characters cost two septets), UCS-2 otherwise (an emoji is two
// UTF-16 code units); a long message warns, a template naming something missing fails as e-mail ones do.
import { strict as assert } from 'node:assert';
import { LifeCockpitError } from '../../../src/core/errors';
import {
  defaultTemplates,
  renderMessage,
  smsSegments,
  templatesWith,
  type MessageInput,
} from '../../../src/core/reminders';
import { aClient, aPractitioner } from '../../builders/clientBuilder';
import { aSession } from '../../builders/sessionBuilder';

function input(overrides: Partial<MessageInput> = {}): MessageInput {
  return {
    kind: 'reminder',
    medium: 'sms',
    session: aSession().at('2026-11-25T10:00:00Z').build(),
    client: aClient().build(),
    practitioner: aPractitioner().build(),
    ...overrides,
  };
}

describe('counting SMS segments', () => {
  it('fits 160 GSM-7 characters in one segment and splits 161 into two of 153', () => {
    assert.deepEqual(smsSegments('a'.repeat(160)), { segments: 1, encoding: 'GSM-7', characters: 160 });
    assert.deepEqual(smsSegments('a'.repeat(161)), { segments: 2, encoding: 'GSM-7', characters: 161 });
    assert.equal(smsSegments('a'.repeat(306)).segments, 2);
    assert.equal(smsSegments('a'.repeat(307)).segments, 3);
  });

  it('counts extension characters such as € and [ as two septets', () => {
    assert.deepEqual(smsSegments('€'.repeat(80)), { segments: 1, encoding: 'GSM-7', characters: 160 });
    assert.deepEqual(smsSegments('a'.repeat(159) + '['), { segments: 2, encoding: 'GSM-7', characters: 161 });
    for (const c of ['^', '{', '}', '\\', '[', '~', ']', '|', '€']) {
      assert.equal(smsSegments(c).characters, 2, `${c} costs two septets`);
    }
  });

  it('keeps an escape and its character in one segment at the 153 boundary', () => {
    // 152 septets then €: the escape would be the 153rd septet and its character the 154th, so € opens segment two.
    const text = 'a'.repeat(152) + '€' + 'a'.repeat(152);
    assert.equal(smsSegments(text).characters, 306);
    assert.equal(smsSegments(text).segments, 3);
    assert.equal(smsSegments('a'.repeat(151) + '€' + 'a'.repeat(153)).segments, 2);
  });

  it('switches the whole message to UCS-2 for a single emoji, which costs two code units', () => {
    assert.deepEqual(smsSegments('See you 🙂'), { segments: 1, encoding: 'UCS-2', characters: 10 });
    assert.deepEqual(smsSegments('a'.repeat(68) + '🙂'), { segments: 1, encoding: 'UCS-2', characters: 70 });
    assert.deepEqual(smsSegments('a'.repeat(69) + '🙂'), { segments: 2, encoding: 'UCS-2', characters: 71 });
    // 66 code units then an emoji: the surrogate pair is not split, so it opens the second 67-unit segment.
    assert.equal(smsSegments('a'.repeat(66) + '🙂' + 'a'.repeat(66)).segments, 3);
    assert.equal(smsSegments('a'.repeat(65) + '🙂' + 'a'.repeat(67)).segments, 2);
  });

  it('keeps German umlauts and ß in GSM-7 but not a typographic apostrophe', () => {
    assert.equal(smsSegments('Grüße aus Köln, Ärger über Öl, Übung').encoding, 'GSM-7');
    assert.equal(smsSegments('it’s').encoding, 'UCS-2');
  });
});

describe('rendering a message as an SMS', () => {
  it('renders the shipped English reminder as plain text without a subject', async () => {
    const message = await renderMessage(input(), defaultTemplates());
    assert.equal(message.contentType, 'text');
    assert.equal(message.subject, '');
    assert.doesNotMatch(message.body, /<[a-z]/i);
    assert.match(message.body, /Alex/);
    assert.match(message.body, /10:00/);
    assert.match(message.template, /reminder\.sms\.liquid/);
    assert.equal(message.sms?.encoding, 'GSM-7', `stays GSM-7: ${JSON.stringify(message.body)}`);
    assert.ok(message.sms && message.sms.segments <= 2);
    assert.deepEqual(message.warnings ?? [], []);
  });

  for (const kind of ['reminder', 'followUp', 'cancellation', 'paymentLink'] as const) {
    for (const language of ['en', 'de']) {
      it(`ships a plain-text ${kind} SMS in ${language}`, async () => {
        const payment = {
          url: 'https://checkout.stripe.com/c/pay/cs_test_a1',
          amountCents: 9000,
          currency: 'eur',
          expiresAt: new Date('2026-11-26T10:00:00Z'),
        };
        const message = await renderMessage(
          input({ kind, client: aClient().speaking(language).build(), ...(kind === 'paymentLink' ? { payment } : {}) }),
          defaultTemplates(),
        );
        const expected = language === 'de' ? `${kind}.sms.de.liquid` : `${kind}.sms.liquid`;
        assert.match(message.template, new RegExp(expected.replace(/\./g, '\\.')));
        assert.equal(message.contentType, 'text');
        assert.equal(message.subject, '');
        assert.doesNotMatch(message.body, /<[a-z]|&amp;|&#/i);
        assert.equal(message.sms?.encoding, 'GSM-7', `stays GSM-7: ${JSON.stringify(message.body)}`);
      });
    }
  }

  it('keeps the e-mail template for an e-mail, even for a client whose language tag is "sms"', async () => {
    const message = await renderMessage(
      input({ medium: 'email', client: aClient().speaking('sms').build() }),
      defaultTemplates(),
    );
    assert.equal(message.contentType, 'html');
    assert.match(message.template, /\(built-in\) reminder\.liquid/);
    assert.equal(message.sms, undefined);
  });

  it('fails on a variable the message does not have, as e-mail templates do', async () => {
    const templates = templatesWith({ 'reminder.sms.liquid': 'Hi {{ client.name }}, room {{ session.roomNumber }}' });
    try {
      await renderMessage(input(), templates);
      assert.fail('expected the render to fail');
    } catch (error) {
      assert.ok(error instanceof LifeCockpitError, String(error));
      assert.equal(error.code, 'template.missingVariable');
      assert.match(error.message, /session\.roomNumber/);
      assert.match(error.message, /reminder\.sms\.liquid/);
    }
  });

  it('writes a client name as typed, not HTML-escaped', async () => {
    const client = aClient().named('Sam & Co <Ltd>', 'Sam & Co').build();
    const message = await renderMessage(input({ client }), defaultTemplates());
    assert.match(message.body, /Sam & Co/);
    assert.doesNotMatch(message.body, /&amp;/);
  });

  it('warns when the SMS is longer than two segments', async () => {
    const templates = templatesWith({ 'reminder.sms.liquid': `{{ client.name }} ${'x'.repeat(400)}` });
    const message = await renderMessage(input(), templates);
    assert.equal(message.sms?.segments, 3);
    assert.deepEqual(message.warnings, ['The SMS is 3 segments long (more than 2).']);
  });

  it('writes times with plain spaces, so the English time does not turn the SMS into UCS-2', async () => {
    const practitioner = aPractitioner().in('America/New_York').build();
    const message = await renderMessage(input({ practitioner, language: 'en-US' }), defaultTemplates());
    assert.doesNotMatch(message.body, /[\u00a0\u202f]/);
    assert.equal(message.sms?.encoding, 'GSM-7');
  });
});
