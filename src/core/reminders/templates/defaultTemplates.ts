// The templates shipped with the product, in English and German: a reminder, a follow-up, a cancellation
// notice and the link where a client pays a session's fee. A file of the same name in the
// workspace's `.lifecockpit/templates/` replaces one of these. Each captures its subject (see
// renderMessage.ts); `{{ }}` output is HTML-escaped, so client-supplied text cannot inject markup.
// The `.sms` variants are plain text without a subject, short enough for two GSM-7 segments with a
// typical name and date, and written in GSM-7 characters only (no typographic quotes or dashes, which
// would make the whole SMS UCS-2).

export const DEFAULT_TEMPLATE_SOURCES: Readonly<Record<string, string>> = {
  'reminder.liquid': `{% capture subject %}Reminder: your session on {{ session.date }} at {{ session.startTime }}{% endcapture %}
<p>Hello {{ client.firstName | default: client.name }},</p>
<p>This is a reminder of your session on {{ session.date }} from {{ session.startTime }} to {{ session.endTime }}{% if session.location %} at {{ session.location }}{% endif %}.</p>
<p>If you cannot make it, please let me know as soon as possible.</p>
<p>Kind regards,<br>{{ practitioner.name }}</p>`,

  'followUp.liquid': `{% capture subject %}Thank you for your session on {{ session.date }}{% endcapture %}
<p>Hello {{ client.firstName | default: client.name }},</p>
<p>Thank you for coming to your session on {{ session.date }}. If anything from our conversation is on your mind, you are welcome to write to me.</p>
<p>Kind regards,<br>{{ practitioner.name }}</p>`,

  'reminder.de.liquid': `{% capture subject %}Erinnerung: Ihr Termin am {{ session.date }} um {{ session.startTime }}{% endcapture %}
<p>Hallo {{ client.firstName | default: client.name }},</p>
<p>hiermit erinnere ich Sie an Ihren Termin am {{ session.date }} von {{ session.startTime }} bis {{ session.endTime }}{% if session.location %} in {{ session.location }}{% endif %}.</p>
<p>Falls Sie den Termin nicht wahrnehmen können, geben Sie mir bitte so früh wie möglich Bescheid.</p>
<p>Mit freundlichen Grüßen<br>{{ practitioner.name }}</p>`,

  'followUp.de.liquid': `{% capture subject %}Vielen Dank für Ihren Termin am {{ session.date }}{% endcapture %}
<p>Hallo {{ client.firstName | default: client.name }},</p>
<p>vielen Dank für Ihren Termin am {{ session.date }}. Wenn Sie etwas aus unserem Gespräch beschäftigt, schreiben Sie mir gerne.</p>
<p>Mit freundlichen Grüßen<br>{{ practitioner.name }}</p>`,

  'cancellation.liquid': `{% capture subject %}Cancelled: your session on {{ session.date }} at {{ session.startTime }}{% endcapture %}
<p>Hello {{ client.firstName | default: client.name }},</p>
<p>your session on {{ session.date }} at {{ session.startTime }} is cancelled. Please write to me to arrange another time.</p>
<p>Kind regards,<br>{{ practitioner.name }}</p>`,

  'cancellation.de.liquid': `{% capture subject %}Abgesagt: Ihr Termin am {{ session.date }} um {{ session.startTime }}{% endcapture %}
<p>Hallo {{ client.firstName | default: client.name }},</p>
<p>Ihr Termin am {{ session.date }} um {{ session.startTime }} ist abgesagt. Schreiben Sie mir gerne, um einen neuen Termin zu vereinbaren.</p>
<p>Mit freundlichen Grüßen<br>{{ practitioner.name }}</p>`,

  'paymentLink.liquid': `{% capture subject %}Payment for your session on {{ session.date }}{% endcapture %}
<p>Hello {{ client.firstName | default: client.name }},</p>
<p>the fee for your session on {{ session.date }} is {{ payment.amount }}. You can pay it by card on this secure Stripe page:</p>
<p><a href="{{ payment.url }}">Pay {{ payment.amount }}</a></p>
<p>The link works until {{ payment.expiresDate }}, {{ payment.expiresTime }}. If it has run out by the time you read this, just write to me and I will send you a new one.</p>
<p>Kind regards,<br>{{ practitioner.name }}</p>`,

  'paymentLink.de.liquid': `{% capture subject %}Zahlung für Ihren Termin am {{ session.date }}{% endcapture %}
<p>Hallo {{ client.firstName | default: client.name }},</p>
<p>das Honorar für Ihren Termin am {{ session.date }} beträgt {{ payment.amount }}. Sie können es auf dieser sicheren Stripe-Seite per Karte bezahlen:</p>
<p><a href="{{ payment.url }}">{{ payment.amount }} bezahlen</a></p>
<p>Der Link gilt bis {{ payment.expiresDate }}, {{ payment.expiresTime }} Uhr. Sollte er abgelaufen sein, wenn Sie diese Nachricht lesen, schreiben Sie mir bitte kurz; ich schicke Ihnen dann einen neuen.</p>
<p>Mit freundlichen Grüßen<br>{{ practitioner.name }}</p>`,

  'reminder.sms.liquid': `Hello {{ client.firstName | default: client.name }}, a reminder of your session on {{ session.date }} at {{ session.startTime }}{% if session.location %}, {{ session.location }}{% endif %}. If you cannot make it, please let me know. {{ practitioner.name }}`,

  'reminder.sms.de.liquid': `Hallo {{ client.firstName | default: client.name }}, ich erinnere Sie an Ihren Termin am {{ session.date }} um {{ session.startTime }}{% if session.location %} in {{ session.location }}{% endif %}. Falls Sie nicht kommen können, geben Sie mir bitte Bescheid. {{ practitioner.name }}`,

  'followUp.sms.liquid': `Hello {{ client.firstName | default: client.name }}, thank you for your session on {{ session.date }}. If anything from it is on your mind, you are welcome to write to me. {{ practitioner.name }}`,

  'followUp.sms.de.liquid': `Hallo {{ client.firstName | default: client.name }}, vielen Dank für Ihren Termin am {{ session.date }}. Wenn Sie etwas aus unserem Gespräch beschäftigt, schreiben Sie mir gerne. {{ practitioner.name }}`,

  'cancellation.sms.liquid': `Hello {{ client.firstName | default: client.name }}, your session on {{ session.date }} at {{ session.startTime }} is cancelled. Please write to me to arrange another time. {{ practitioner.name }}`,

  'cancellation.sms.de.liquid': `Hallo {{ client.firstName | default: client.name }}, Ihr Termin am {{ session.date }} um {{ session.startTime }} ist abgesagt. Schreiben Sie mir gerne für einen neuen Termin. {{ practitioner.name }}`,

  'paymentLink.sms.liquid': `Hello {{ client.firstName | default: client.name }}, the fee for your session on {{ session.date }} is {{ payment.amount }}. Pay by card here until {{ payment.expiresDate }}, {{ payment.expiresTime }}: {{ payment.url }} {{ practitioner.name }}`,

  'paymentLink.sms.de.liquid': `Hallo {{ client.firstName | default: client.name }}, das Honorar für Ihren Termin am {{ session.date }} beträgt {{ payment.amount }}. Bezahlen per Karte bis {{ payment.expiresDate }}, {{ payment.expiresTime }} Uhr: {{ payment.url }} {{ practitioner.name }}`,
};
