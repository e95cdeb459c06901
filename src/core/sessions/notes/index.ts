// Session notes: the Markdown draft, the note written as a Dataverse annotation on the session, and which
// attended sessions have one (for Needs Attention).
export * from './noteDraft';
export * from './sessionNotes';
