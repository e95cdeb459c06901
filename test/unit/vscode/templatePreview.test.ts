// Preview Template renders a real template with the next real session (or a sample) and shows subject
// and body; it lists message templates per language and leaves partials out.
import { strict as assert } from 'node:assert';
import { renderMessage, templatesWith } from '../../../src/core/reminders';
import {
  previewInput,
  sampleSession,
  templateChoices,
  templatePreviewDocument,
} from '../../../src/vscode/templatePreview';
import { aSession } from '../../builders/sessionBuilder';

const now = new Date('2026-11-25T08:00:00Z');

describe('templatePreview', () => {
  it('lists reminder and follow-up templates per language, without partials', () => {
    const templates = templatesWith({ 'signature.liquid': 'x', 'reminder.fr.liquid': 'y' });
    const files = templateChoices(templates).map((c) => c.file);
    assert.ok(files.includes('reminder.liquid') && files.includes('reminder.fr.liquid'));
    assert.ok(!files.includes('signature.liquid'));
    assert.equal(templateChoices(templates).find((c) => c.file === 'reminder.fr.liquid')?.language, 'fr');
  });

  it('renders with the next scheduled session, not a past or cancelled one', () => {
    const past = aSession().at('2026-11-24T10:00:00Z').build();
    const cancelled = aSession().at('2026-11-25T09:00:00Z').canceled().build();
    const next = aSession().at('2026-11-26T10:00:00Z').build();
    const later = aSession().at('2026-11-27T10:00:00Z').build();
    assert.equal(sampleSession([later, past, cancelled, next], now).id, next.id);
    assert.equal(sampleSession([], now).clientName, 'Sample Client');
  });

  it('shows the rendered subject and body of a shipped template', async () => {
    const templates = templatesWith({});
    const choice = templateChoices(templates).find((c) => c.file === 'reminder.liquid');
    assert.ok(choice);
    const input = previewInput(choice, aSession().at('2026-11-26T10:00:00Z').build(), {
      name: 'Dr. Lee',
      timeZone: 'UTC',
    });
    const doc = templatePreviewDocument(choice, input, await renderMessage(input, templates));
    assert.match(doc, /\*\*Subject:\*\* Reminder: your session on/);
    assert.match(doc, /```html\n[\s\S]*Alex[\s\S]*```/);
  });
});
