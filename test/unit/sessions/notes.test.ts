// Session notes: the Markdown draft from a template, the note saved as an annotation on the session so that a
// save sent again leaves one note, and Needs Attention's "attended without a note" read in one query for
// many sessions rather than one per session.
import { strict as assert } from 'node:assert';
import { dataverseRecordUrl } from '../../../src/core/dataverse';
import { ConflictError, LifeCockpitError, ValidationError } from '../../../src/core/errors';
import { DEFAULT_TABLES } from '../../../src/core/practice';
import { templatesWith } from '../../../src/core/reminders';
import {
  addSessionNote,
  groupSessions,
  sessionNoteDraft,
  withNoteFlags,
  type Session,
} from '../../../src/core/sessions';
import { derivedId } from '../../../src/core/sessions/derivedId';
import { FakeDataverse } from '../../builders/fakeDataverse';
import { aSession } from '../../builders/sessionBuilder';

const NOW = new Date('2026-11-25T09:00:00Z');
const SESSION_ID = '6f9619ff-8b86-d011-b42d-00c04fc964ff';
const notes = DEFAULT_TABLES.note;

describe('session note draft', () => {
  const session = aSession().attended().at('2026-11-24T14:00:00Z').build();

  it('drafts Markdown from the shipped template in the practice time zone', async () => {
    const draft = await sessionNoteDraft(session, templatesWith({}), { timeZone: 'Europe/Berlin' });
    assert.match(draft, /^# Session note: Alex Morgan\n/);
    assert.match(draft, /Tuesday, November 24, 2026, 3:00\s?PM–3:50\s?PM/);
    assert.match(draft, /- Location: Room 1/);
    assert.match(draft, /## Next steps/);
  });

  it("writes the client's name as it is, not HTML-escaped: the draft is Markdown, not mail", async () => {
    const named = { ...session, clientName: "Sam O'Neil & Co <x>" };
    const draft = await sessionNoteDraft(named, templatesWith({}), { timeZone: 'UTC' });
    assert.match(draft, /Sam O'Neil & Co <x>/);
  });

  it("uses the workspace's sessionNote.liquid over the shipped one, in the practice's language", async () => {
    const templates = templatesWith({ 'sessionNote.liquid': '## {{ client.name }} am {{ session.date }}' });
    const draft = await sessionNoteDraft(session, templates, { timeZone: 'Europe/Berlin', language: 'de' });
    assert.equal(draft, '## Alex Morgan am Dienstag, 24. November 2026');
  });

  it('ships a German draft for a German practice', async () => {
    const draft = await sessionNoteDraft(session, templatesWith({}), { timeZone: 'Europe/Berlin', language: 'de-AT' });
    assert.match(draft, /^# Sitzungsnotiz: Alex Morgan/);
  });

  it('fails, naming the template file, when a template names a variable the session lacks', async () => {
    const templates = templatesWith({ 'sessionNote.liquid': '# {{ client.phone }}' });
    await assert.rejects(sessionNoteDraft(session, templates, { timeZone: 'UTC' }), (e: unknown) => {
      assert.ok(e instanceof ValidationError);
      assert.match(e.message, /sessionNote\.liquid/);
      assert.match(e.message, /client\.phone/);
      return true;
    });
  });

  it('cannot include a file from the disk', async () => {
    const templates = templatesWith({ 'sessionNote.liquid': "{% include '/etc/passwd' %}" });
    await assert.rejects(
      sessionNoteDraft(session, templates, { timeZone: 'UTC' }),
      (e: unknown) => e instanceof ValidationError && !/root:/.test(e.message),
    );
  });
});

describe('saving a session note', () => {
  const deps = (dataverse: FakeDataverse) => ({ dataverse, tables: DEFAULT_TABLES });

  it('attaches the note to the session as an annotation, its subject from the first heading', async () => {
    const dv = new FakeDataverse();
    const saved = await addSessionNote(deps(dv), SESSION_ID, '# Session note: Alex\n\nSlept better.');
    assert.equal(saved.alreadySaved, false);
    const [row] = dv.rows(notes.entitySet);
    assert.equal(row[notes.primaryId], saved.noteId);
    assert.equal(row._objectid_value, SESSION_ID);
    assert.equal(row[notes.columns.subject], 'Session note: Alex');
    assert.equal(row[notes.columns.text], '# Session note: Alex\n\nSlept better.');
  });

  it('saves one note when the same note is saved again after a lost answer', async () => {
    const dv = new FakeDataverse();
    const first = await addSessionNote(deps(dv), SESSION_ID, 'Slept better.');
    // The practitioner saw an error (the answer was lost) and saves again.
    const again = await addSessionNote(deps(dv), SESSION_ID, 'Slept better.');
    assert.equal(dv.rows(notes.entitySet).length, 1);
    assert.deepEqual(again, { noteId: first.noteId, alreadySaved: true });
  });

  it('saves a second, different note on the same session as a second note', async () => {
    const dv = new FakeDataverse();
    await addSessionNote(deps(dv), SESSION_ID, 'First thoughts.');
    await addSessionNote(deps(dv), SESSION_ID, 'Second thoughts.');
    assert.equal(dv.rows(notes.entitySet).length, 2);
  });

  it('does not take a different row under the same id for its own note', async () => {
    const dv = new FakeDataverse();
    const { noteId } = await addSessionNote(deps(dv), SESSION_ID, 'Mine.');
    dv.put(notes.entitySet, {
      [notes.primaryId]: noteId,
      [notes.columns.text]: 'Someone else',
      _objectid_value: SESSION_ID,
    });
    await assert.rejects(
      addSessionNote(deps(dv), SESSION_ID, 'Mine.'),
      (e: unknown) => e instanceof ConflictError && e.code === 'dataverse.duplicateRecord',
    );
  });

  it('refuses an empty note and a session id that is not a GUID before writing anything', async () => {
    const dv = new FakeDataverse();
    await assert.rejects(addSessionNote(deps(dv), SESSION_ID, '  \n '), (e: unknown) => {
      return e instanceof ValidationError && e.code === 'notes.empty';
    });
    await assert.rejects(addSessionNote(deps(dv), "x') or ('1", 'Text'), (e: unknown) => e instanceof LifeCockpitError);
    assert.equal(dv.calls.length, 0);
  });
});

describe('attended sessions without a note', () => {
  it('are in Needs Attention, besides being unpaid; a session whose notes were not read is not', () => {
    const noted = { ...aSession().attended().paid().at('2026-11-20T09:00:00Z').build(), hasNote: true };
    const bare = { ...aSession().attended().paid().at('2026-11-21T09:00:00Z').build(), hasNote: false };
    const unpaidBare = { ...aSession().attended().unpaid().at('2026-11-22T09:00:00Z').build(), hasNote: false };
    const unknown = aSession().attended().paid().at('2026-11-23T09:00:00Z').build();
    const groups = groupSessions([noted, bare, unpaidBare, unknown], NOW, 60);
    assert.deepEqual(
      groups.needsAttention.map((n) => [n.session.id, n.reason, n.reasons]),
      [
        [bare.id, 'noNote', ['noNote']],
        [unpaidBare.id, 'unpaid', ['unpaid', 'noNote']],
      ],
    );
  });

  it('are found with one annotation query for 40 attended sessions, selecting no note text', async () => {
    const dv = new FakeDataverse();
    const sessions: Session[] = Array.from({ length: 40 }, (_, i) =>
      aSession()
        .attended()
        .at(new Date(NOW.getTime() - (i + 1) * 86_400_000))
        .build(),
    );
    sessions.push(aSession().at('2026-11-26T09:00:00Z').build()); // upcoming: no note expected
    for (const s of sessions.slice(0, 10)) dv.put(notes.entitySet, { _objectid_value: s.id, notetext: 'x' });
    const flagged = await withNoteFlags(dv, DEFAULT_TABLES, sessions);
    const queries = dv.calls.filter((c) => c.op === 'query');
    assert.equal(queries.length, 1, 'one query, not one per session');
    assert.equal(flagged.filter((s) => s.hasNote === true).length, 10);
    assert.equal(flagged.filter((s) => s.hasNote === false).length, 30);
    assert.equal(flagged[40].hasNote, undefined);
  });

  it('asks nothing when no session was attended', async () => {
    const dv = new FakeDataverse();
    await withNoteFlags(dv, DEFAULT_TABLES, [aSession().build()]);
    assert.equal(dv.calls.length, 0);
  });
});

describe('derived row ids', () => {
  it('are RFC 9562 version-5 UUIDs', () => {
    // The RFC's own example: "www.example.com" in the DNS namespace.
    assert.equal(
      derivedId('6ba7b810-9dad-11d1-80b4-00c04fd430c8', 'www.example.com'),
      '2ed6657d-e927-568b-95e1-2665a8aea6a2',
    );
  });
});

describe('Open in Dataverse', () => {
  it("links the row's page in the model-driven app, in the practice's app when it names one", () => {
    assert.equal(
      dataverseRecordUrl('https://contoso.crm4.dynamics.com/', 'appointment', `{${SESSION_ID.toUpperCase()}}`),
      `https://contoso.crm4.dynamics.com/main.aspx?pagetype=entityrecord&etn=appointment&id=${SESSION_ID}`,
    );
    assert.equal(
      dataverseRecordUrl('https://contoso.crm4.dynamics.com', 'appointment', SESSION_ID, {
        appId: '11111111-2222-3333-4444-555555555555',
      }),
      `https://contoso.crm4.dynamics.com/main.aspx?appid=11111111-2222-3333-4444-555555555555&pagetype=entityrecord&etn=appointment&id=${SESSION_ID}`,
    );
  });

  it('refuses an id or a table name that would change the link', () => {
    assert.throws(() => dataverseRecordUrl('https://x.crm.dynamics.com', 'appointment', 'abc&etn=account'));
    assert.throws(() => dataverseRecordUrl('https://x.crm.dynamics.com', 'appointment&x=1', SESSION_ID));
    assert.throws(() => dataverseRecordUrl('http://x.crm.dynamics.com', 'appointment', SESSION_ID));
  });
});
