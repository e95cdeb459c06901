// The channel errors: each is a typed error of the core with its contract code, not retriable, and a message
// that tells a person what to do (which variable or command sets a channel up; what to check after an
// uncertain hand-over).
import { strict as assert } from 'node:assert';
import { ChannelNotSetUpError, HandOverUncertainError, RepeatWindowClosedError } from '../../../src/core/channels';
import { exitCodeFor, LifeCockpitError, ValidationError } from '../../../src/core/errors';

describe('channel errors', () => {
  it('names the environment variable and the verb that sends it when a channel is not set up', () => {
    const error = new ChannelNotSetUpError('acsSms', 'work');
    assert.ok(error instanceof ValidationError);
    assert.equal(error.code, 'channels.notSetUp');
    assert.equal(error.retriable, false);
    assert.match(error.message, /LC_ACS_CONNECTION_STRING/);
    assert.match(error.message, /lc reminders send/);
    assert.match(error.message, /"work"/);
    assert.equal(exitCodeFor(error), 10);
    assert.match(new ChannelNotSetUpError('smtp').message, /LC_SMTP_URL/);
    assert.match(new ChannelNotSetUpError('sendgrid').message, /LC_SENDGRID_API_KEY/);
  });

  it('says an uncertain hand-over was not repeated and what to check', () => {
    const cause = new Error('socket hang up');
    const error = new HandOverUncertainError('smtp', 'the connection closed after the message was sent', { cause });
    assert.ok(error instanceof LifeCockpitError);
    assert.equal(error.code, 'channels.uncertain');
    assert.equal(error.retriable, false);
    assert.equal(error.cause, cause);
    assert.match(error.message, /SMTP mail may or may not have accepted the message/);
    assert.match(error.message, /not sent again/);
  });

  it('says a repeat refused as too old needs a check, with the first attempt time', () => {
    const error = new RepeatWindowClosedError('acsSms', new Date('2026-12-02T07:00:00Z'));
    assert.equal(error.code, 'channels.repeatWindowClosed');
    assert.equal(error.retriable, false);
    assert.match(error.message, /2026-12-02T07:00:00.000Z/);
    assert.match(error.message, /Check whether the recipient got it/);
  });
});
