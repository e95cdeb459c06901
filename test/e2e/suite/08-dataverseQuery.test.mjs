// Issue 6 in the editor: "Query Table…" from the palette, answered through quick picks (table,
// columns, filter, format), streams the rows with progress and opens a read-only results document.
import assert from 'node:assert/strict';
import { waitFor } from '../harness/processes.mjs';
import { editor } from './hooks.mjs';
import { secretsIn, waitForEditorText } from './steps.mjs';

const QUERY_TABLE = 'Life Cockpit: Query Table…';

describe('Life Cockpit: Query Table', () => {
  it('queries contacts from the palette and shows the rows and their count in a JSON document', async () => {
    const { workbench, sandbox } = editor();
    await workbench.runCommand(QUERY_TABLE);
    await workbench.waitForQuickInput({ titleIncludes: 'Dataverse table' });
    await workbench.pickQuickItem('Contact');
    await workbench.waitForQuickInput({ titleIncludes: 'Columns of contact' });
    await workbench.typeIntoQuickInput(''); // keep the preselected id and name columns
    await workbench.waitForQuickInput({ titleIncludes: 'Filter on contacts' });
    await workbench.typeIntoQuickInput("startswith(fullname,'A') or fullname ne null");
    await workbench.waitForQuickInput({ titleIncludes: 'Results as' });
    await workbench.pickQuickItem('JSON');
    // The editor renders only what is on screen, so the document is read from its top.
    const text = await waitForEditorText(workbench, '"table": "contacts"');
    const count = Number(/"count": (\d+)/.exec(text)?.[1]);
    assert.ok(count >= 40, `the seeded practice has at least 40 clients; the document says ${count}`);
    assert.match(text, /"contactid": "[0-9a-f-]{36}"/, 'rows carry the id column');
    assert.match(text, /"fullname": "[^"]+"/, 'rows carry the name column');
    assert.deepEqual(secretsIn(text, sandbox), []);
  });

  it('logs the query with its row count to the output channel', async () => {
    const { workbench } = editor();
    const log = await workbench.waitForOutputLine('Life Cockpit', /query ran .*table=contacts/);
    assert.match(log, /rows=\d+/);
  });

  it('expands a table in the Dataverse view to its columns, loaded when it expands', async () => {
    const { workbench } = editor();
    await workbench.openViewContainer('Life Cockpit');
    await workbench.expandTreeItem('Dataverse', 'Contact', { timeoutMs: 30_000 });
    await waitFor('the columns of contact in the Dataverse view', async () =>
      (await workbench.treeLabels('Dataverse')).includes('contactid'),
    );
  });
});
