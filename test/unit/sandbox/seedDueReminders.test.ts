// `lc sandbox --due-reminders N --practitioners K`: N approved reminders due now spread over K
// practitioners, each with a mailbox of their own in Graph and a systemuser that owns their reminders
// in Dataverse; the first practitioner stays the one the ready line names.

import { strict as assert } from 'node:assert';
import { generatePractice } from '../../../src/sandbox/seed';
import { IDS, call as callDataverse, newService } from './dataverseFixture';
import { PRACTITIONER_ID, aGraphWorld, call as callGraph } from './graphTestContext';

const NOW = Date.parse('2026-11-25T10:00:00Z');

describe('seeded due reminders across practitioners', () => {
  const base = generatePractice({ seed: 'due', now: NOW });
  const practice = generatePractice({ seed: 'due', now: NOW, dueReminders: 50, practitioners: 4 });
  const added = practice.reminders.slice(base.reminders.length);

  it('adds N approved reminders due now, for upcoming sessions, on top of the seeded ones', () => {
    assert.equal(added.length, 50);
    const sessions = new Map(practice.sessions.map((s) => [s.id, s]));
    for (const reminder of added) {
      assert.equal(reminder.status, 'approved');
      assert.equal(reminder.kind, 'reminder');
      assert.ok(Date.parse(reminder.scheduledTime) <= NOW, 'due now');
      const session = sessions.get(reminder.sessionId);
      assert.ok(session && Date.parse(session.start) > NOW && session.clientId === reminder.clientId);
    }
    assert.equal(new Set(added.map((r) => r.id)).size, 50);
    assert.deepEqual(practice.reminders.slice(0, base.reminders.length), base.reminders, 'the rest is unchanged');
  });

  it('makes K practitioners with mailboxes of their own, the first being the practice practitioner', () => {
    const practitioners = practice.practitioners ?? [];
    assert.equal(practitioners.length, 4);
    assert.deepEqual(practitioners[0], practice.practitioner);
    assert.equal(new Set(practitioners.map((p) => p.mail)).size, 4);
    assert.equal(new Set(practitioners.map((p) => p.userId)).size, 4);
  });

  it('deals the due reminders to the practitioners in turn', () => {
    const perOwner = new Map<string | undefined, number>();
    for (const r of added) perOwner.set(r.ownerSystemUserId, (perOwner.get(r.ownerSystemUserId) ?? 0) + 1);
    assert.deepEqual(
      (practice.practitioners ?? []).map((p) => perOwner.get(p.systemUserId)),
      [13, 13, 12, 12],
    );
  });

  it('is deterministic and leaves a one-practitioner practice in its old shape', () => {
    assert.deepEqual(generatePractice({ seed: 'due', now: NOW, dueReminders: 50, practitioners: 4 }), practice);
    assert.equal(base.practitioners, undefined);
  });

  it('gives each practitioner a Graph mailbox that can send', async () => {
    const world = aGraphWorld();
    world.service.load(practice);
    for (const practitioner of practice.practitioners ?? []) {
      const user = await callGraph(world.service, 'GET', `/v1.0/users/${encodeURIComponent(practitioner.mail)}`);
      assert.equal(user.status, 200, practitioner.mail);
      assert.equal(user.body.id, practitioner.userId);
    }
    assert.notEqual(practice.practitioner.userId, PRACTITIONER_ID);
  });

  it('makes each practitioner a Dataverse user who owns their due reminders', async () => {
    // The fixture's fake token verifier knows its own tenant and app.
    const { service } = newService({
      ...practice,
      tenantId: IDS.tenant,
      businessUnitId: IDS.businessUnit,
      organizationId: IDS.organization,
      app: { ...practice.app, clientId: IDS.clientId, applicationUserId: IDS.appUser },
    });
    const users = await callDataverse(service, 'GET', 'systemusers?$select=internalemailaddress');
    const mails = users
      .json<{ value: Array<{ internalemailaddress: string | null }> }>()
      .value.map((u) => u.internalemailaddress);
    for (const practitioner of practice.practitioners ?? []) assert.ok(mails.includes(practitioner.mail));
    const last = added[added.length - 1];
    assert.ok(last?.ownerSystemUserId);
    const row = await callDataverse(service, 'GET', `cre92_scheduledmessages(${last.id})?$select=_ownerid_value`);
    assert.equal(row.status, 200, row.text);
    assert.equal(row.json<{ _ownerid_value: string }>()._ownerid_value, last.ownerSystemUserId.toLowerCase());
  });
});
