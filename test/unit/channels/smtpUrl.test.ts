// The SMTP secret decides host, port and encryption; a URL that would mean anything else is refused whole,
// and the refusal never quotes the password.
import { strict as assert } from 'node:assert';
import { parseSmtpUrl, stableMessageId } from '../../../src/core/channels/smtp';
import { ValidationError } from '../../../src/core/errors';

describe('SMTP secret', () => {
  it('reads smtp:// as STARTTLS on 587 and smtps:// as TLS on 465, decoding the password', () => {
    assert.deepEqual(parseSmtpUrl('smtp://me%40practice.example:p%40ss%3Aw%2Fd@mail.example'), {
      host: 'mail.example',
      port: 587,
      implicitTls: false,
      user: 'me@practice.example',
      password: 'p@ss:w/d',
    });
    assert.deepEqual(parseSmtpUrl('smtps://u:pw@mail.example'), {
      host: 'mail.example',
      port: 465,
      implicitTls: true,
      user: 'u',
      password: 'pw',
    });
    assert.equal(parseSmtpUrl('smtp://u:pw@mail.example:2525').port, 2525);
  });

  for (const [url, why] of [
    ['http://u:hunter22@mail.example', /starts with http/],
    ['smtp://mail.example:587', /no user name and password/],
    ['smtp://u:hunter22@mail.example/inbox?x=1', /path or query/],
    ['smtp://u:hunter22@mail.example:99999', /not a URL/],
  ] as const) {
    it(`refuses ${url.replace('hunter22', '…')} without quoting the password`, () => {
      assert.throws(
        () => parseSmtpUrl(url),
        (error: unknown) =>
          error instanceof ValidationError &&
          error.code === 'channels.smtpUrlInvalid' &&
          why.test(error.message) &&
          !`${error.message} ${String(error.cause)}`.includes('hunter22'),
      );
    });
  }
});

describe('stable Message-ID', () => {
  it("takes the sender's domain, or life-cockpit.invalid when it has none", () => {
    assert.equal(stableMessageId('abc-1', 'dr@Practice.Example'), '<abc-1@practice.example>');
    assert.equal(stableMessageId('abc-1', 'no-domain'), '<abc-1@life-cockpit.invalid>');
    assert.equal(stableMessageId('abc-1', 'x@[127.0.0.1]'), '<abc-1@life-cockpit.invalid>');
  });
});
