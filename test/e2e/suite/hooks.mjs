// Mocha root hooks: one editor session for the whole suite (starting code-server and Chromium costs
// seconds, so the tests share it and run in file order as one user's visit), and artifacts for every failure.
import { startEditorSession } from '../harness/session.mjs';

let session;

/** The running session; tests call it inside `it`, after the root `beforeAll` has started it. */
export function editor() {
  if (!session) throw new Error('the editor session has not started');
  return session;
}

export const mochaHooks = {
  async beforeAll() {
    this.timeout(180_000);
    session = await startEditorSession();
  },
  async afterEach() {
    if (this.currentTest?.state !== 'failed' || !session) return;
    const where = await session.saveArtifacts(this.currentTest.fullTitle(), this.currentTest.err);
    process.stderr.write(`[e2e] failure artifacts: ${where}\n`);
  },
  async afterAll() {
    this.timeout(60_000);
    await session?.stop();
    session = undefined;
  },
};
