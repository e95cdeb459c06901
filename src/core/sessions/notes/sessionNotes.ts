// Session notes as Dataverse annotations on the session row: writing one so that sending it again (the
// HTTP layer's retry, or the practitioner pressing Save again after an error) leaves one note, and reading
// which attended sessions have a note in as few queries as there are 100 sessions, not one per session.
// A note's text is clinical: it is never logged.
import { bind, filters, normalizeGuid, type DataverseClient, type Row } from '../../dataverse';
import { ConflictError, ValidationError } from '../../errors';
import type { TableMapping } from '../../practice';
import { derivedId, ID_NAMESPACES } from '../derivedId';
import type { RowSource } from '../rowSource';
import type { Session } from '../session';

/** Dataverse's annotation `notetext` holds at most 100,000 characters, `subject` 500. */
export const MAX_NOTE_CHARS = 100_000;
const MAX_SUBJECT_CHARS = 500;

export interface SessionNoteDeps {
  dataverse: Pick<DataverseClient, 'create' | 'get'>;
  tables: TableMapping;
}

export interface SavedNote {
  noteId: string;
  /** The same note was already on the session (an earlier save whose answer was lost): nothing new was written. */
  alreadySaved: boolean;
}

/**
 * Attaches `markdown` to the session as a note. The note's id derives from the session and the text, so a
 * second save of the same text meets DuplicateRecord and is recognised as already saved.
 */
export async function addSessionNote(
  deps: SessionNoteDeps,
  sessionId: string,
  markdown: string,
  options: { subject?: string; signal?: AbortSignal } = {},
): Promise<SavedNote> {
  const session = normalizeGuid(sessionId, 'session id');
  const text = markdown.replace(/\r\n/g, '\n');
  if (text.trim() === '') {
    throw new ValidationError('The note is empty: write something before saving it.', { code: 'notes.empty' });
  }
  if (text.length > MAX_NOTE_CHARS) {
    throw new ValidationError(
      `The note has ${text.length} characters; a Dataverse note holds at most ${MAX_NOTE_CHARS}. Shorten it or split it.`,
      { code: 'notes.tooLong', detail: { length: text.length } },
    );
  }
  const { note, session: sessions } = deps.tables;
  const noteId = derivedId(ID_NAMESPACES.sessionNote, `${session}\n${text}`);
  const body: Row = {
    [note.primaryId]: noteId,
    [note.columns.subject]: (options.subject ?? subjectOf(text)).slice(0, MAX_SUBJECT_CHARS),
    [note.columns.text]: text,
    // The polymorphic `objectid` lookup has one navigation property per target table: objectid_<table>.
    ...bind(`${note.columns.object}_${sessions.logicalName}`, sessions.entitySet, session),
  };
  try {
    await deps.dataverse.create(note.entitySet, body, options.signal);
    return { noteId, alreadySaved: false };
  } catch (error) {
    if (!(error instanceof ConflictError) || error.code !== 'dataverse.duplicateRecord') throw error;
    if (await holdsNote(deps, noteId, session, text, options.signal)) return { noteId, alreadySaved: true };
    throw error;
  }
}

/** Whether the note with this id is this text on this session (and so our own earlier save). */
async function holdsNote(
  deps: SessionNoteDeps,
  noteId: string,
  session: string,
  text: string,
  signal?: AbortSignal,
): Promise<boolean> {
  const { note } = deps.tables;
  const objectValue = `_${note.columns.object}_value`;
  const { row } = await deps.dataverse.get(note.entitySet, noteId, {
    select: [note.columns.text, objectValue],
    signal,
  });
  const on = typeof row[objectValue] === 'string' ? (row[objectValue] as string).toLowerCase() : undefined;
  return on === session && row[note.columns.text] === text;
}

/** The first Markdown heading, else the first line, as the note's subject. */
function subjectOf(text: string): string {
  const lines = text.split('\n').map((line) => line.trim());
  const heading = lines.find((line) => /^#{1,6}\s+\S/.test(line));
  const first = heading ?? lines.find((line) => line !== '') ?? 'Session note';
  return first.replace(/^#{1,6}\s+/, '');
}

/** Session ids per annotation query: 100 GUID comparisons keep the URL near 6,000 characters. */
const IDS_PER_QUERY = 100;

/**
 * The same sessions, attended ones with `hasNote` set: one annotation query per 100 attended sessions
 * (`_objectid_value eq … or …`), selecting only the lookup, never the notes' text.
 */
export async function withNoteFlags(
  source: RowSource,
  tables: TableMapping,
  sessions: Session[],
  signal?: AbortSignal,
): Promise<Session[]> {
  const attended = sessions.filter((s) => s.status === 'attended').map((s) => s.id.toLowerCase());
  if (attended.length === 0) return sessions;
  const { note } = tables;
  const objectValue = filters.checkColumn(`_${note.columns.object}_value`);
  const noted = new Set<string>();
  for (let i = 0; i < attended.length; i += IDS_PER_QUERY) {
    const ids = attended.slice(i, i + IDS_PER_QUERY).map((id) => filters.guid(id));
    for await (const row of source.query(note.entitySet, {
      select: [objectValue],
      filter: filters.oneOf(objectValue, ids),
      pageSize: 5000,
      signal,
    })) {
      const on = row[objectValue];
      if (typeof on === 'string') noted.add(on.toLowerCase());
    }
  }
  return sessions.map((s) => (s.status === 'attended' ? { ...s, hasNote: noted.has(s.id.toLowerCase()) } : s));
}
