// The rule an agent's write follows (issue 17): a client that can ask asks every time, naming the profile, its
// tenant and the effect, and only a yes goes ahead; a client that cannot ask is refused with how to approve,
// unless the profile allows agent writes, which on a live profile also needs the editor's confirmation.
import { strict as assert } from 'node:assert';
import { PolicyError } from '../../../src/core/errors';
import { decideWriteApproval, requireApproval, type ApprovalAnswer } from '../../../src/mcp';
import { aProfile } from '../../builders/profileBuilder';
import { failure } from '../../builders/failure';

describe('agent write approval', () => {
  const test = aProfile().named('practice').build();
  const live = aProfile().named('practice').live().with({ tenantId: 'contoso.onmicrosoft.com' }).build();
  const allowing = (p: typeof test) => ({ ...p, agentWrites: true });

  it('asks whenever the client can ask, on any profile, whatever agentWrites says', () => {
    for (const profile of [test, live, allowing(test), allowing(live)]) {
      for (const liveWritesConfirmed of [false, true]) {
        assert.deepEqual(decideWriteApproval({ profile, clientAsks: true, liveWritesConfirmed }), { kind: 'ask' });
      }
    }
  });

  it('refuses a client that cannot ask when agentWrites is off, saying how to turn it on', () => {
    const decision = decideWriteApproval({ profile: test, clientAsks: false, liveWritesConfirmed: true });
    assert.equal(decision.kind, 'refused');
    assert.ok(decision.kind === 'refused');
    assert.equal(decision.code, 'mcp.writeNotApproved');
    assert.match(decision.message, /^Nothing was done/);
    assert.match(decision.message, /agentWrites/);
    assert.match(decision.message, /LC_AGENT_WRITES=true/);
    assert.match(decision.message, /the test profile "practice"/);
  });

  it('allows a test or sandbox profile with agentWrites without asking', () => {
    for (const kind of ['test', 'sandbox'] as const) {
      const profile = { ...allowing(test), kind };
      assert.deepEqual(decideWriteApproval({ profile, clientAsks: false, liveWritesConfirmed: false }), {
        kind: 'allowed',
      });
    }
  });

  it('refuses agentWrites on a live profile until the editor confirmed it', () => {
    const refused = decideWriteApproval({ profile: allowing(live), clientAsks: false, liveWritesConfirmed: false });
    assert.equal(refused.kind, 'refused');
    assert.ok(refused.kind === 'refused');
    assert.equal(refused.code, 'mcp.liveWritesNotConfirmed');
    assert.match(refused.message, /LIVE profile "practice" \(tenant contoso\.onmicrosoft\.com\)/);
    assert.match(refused.message, /editor's confirmation/);
    const confirmed = decideWriteApproval({ profile: allowing(live), clientAsks: false, liveWritesConfirmed: true });
    assert.deepEqual(confirmed, { kind: 'allowed' });
  });

  it('never lets the confirmation alone allow writes on a live profile', () => {
    const decision = decideWriteApproval({ profile: live, clientAsks: false, liveWritesConfirmed: true });
    assert.equal(decision.kind, 'refused');
  });

  describe('requireApproval', () => {
    const asking = (answer: ApprovalAnswer | Error, asked: string[]) => async (question: string) => {
      asked.push(question);
      if (answer instanceof Error) throw answer;
      return answer;
    };

    it('asks naming the effect, the profile and its tenant, and goes ahead on accept', async () => {
      const asked: string[] = [];
      await requireApproval(
        { kind: 'ask' },
        asking('accept', asked),
        live,
        'Send 7 due reminders from dr.morgan@contoso.com',
      );
      assert.deepEqual(asked, [
        'Send 7 due reminders from dr.morgan@contoso.com in the LIVE profile "practice" (tenant contoso.onmicrosoft.com)?',
      ]);
    });

    for (const answer of ['decline', 'cancel'] as const) {
      it(`stops on ${answer} with a policy error`, async () => {
        const error = await failure(requireApproval({ kind: 'ask' }, asking(answer, []), test, 'Charge 90.00 EUR'));
        assert.ok(error instanceof PolicyError);
        assert.equal(error.code, 'mcp.declined');
        assert.match(error.message, /Nothing was done/);
      });
    }

    it('stops when the question itself fails (the client went away, or nobody answered in time)', async () => {
      const error = await failure(
        requireApproval({ kind: 'ask' }, asking(new Error('Request timed out'), []), test, 'x'),
      );
      assert.equal(error.code, 'mcp.approvalFailed');
      assert.match(error.message, /Request timed out/);
    });

    it('does not ask when agentWrites allows it, and throws the refusal without asking', async () => {
      const asked: string[] = [];
      await requireApproval({ kind: 'allowed' }, asking('decline', asked), test, 'x');
      const error = await failure(
        requireApproval(
          { kind: 'refused', code: 'mcp.writeNotApproved', message: 'Nothing was done: no.' },
          asking('accept', asked),
          test,
          'x',
        ),
      );
      assert.equal(error.errorClass, 'policy');
      assert.deepEqual(asked, []);
    });
  });
});
