// What Show Payload puts in its read-only document: the stored body, decrypted, pretty-printed when it is
// JSON, with what the body itself carries as a secret masked (Graph echoes the subscription's clientState
// in every notification; Checkout Sessions and PaymentIntents carry a client_secret). The signature
// headers are never stored, so they cannot appear. The document is plain JSON or text, never rendered
// markup, and its name is made from the inbox id alone: nothing the sender chose reaches the editor's UI.

/** Keys whose values are secrets wherever they appear in a webhook body. */
const SECRET_KEYS = /^(clientstate|client_secret|secret|password|signature|authorization|x-lc-signature)$/i;
const MASK = '«redacted»';

export interface PayloadDocument {
  name: string;
  language: 'json' | 'plaintext';
  text: string;
}

export function payloadDocument(id: string, body: Buffer): PayloadDocument {
  const name = `Webhook ${id.replace(/[^A-Za-z0-9_-]/g, '_')}`;
  const raw = body.toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return { name: `${name}.txt`, language: 'plaintext', text: raw };
  }
  try {
    return { name: `${name}.json`, language: 'json', text: `${JSON.stringify(masked(parsed), null, 2)}\n` };
  } catch {
    // Nested past what the stack allows: shown as stored, with secret-looking values still masked.
    return { name: `${name}.txt`, language: 'plaintext', text: maskedText(raw) };
  }
}

function masked(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(masked);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) => [
      key,
      SECRET_KEYS.test(key) && inner !== null && inner !== '' ? MASK : masked(inner),
    ]),
  );
}

function maskedText(raw: string): string {
  return raw.replace(
    /("(?:clientState|client_secret|secret|password|signature|authorization)"\s*:\s*)"(?:[^"\\]|\\.)*"/gi,
    `$1"${MASK}"`,
  );
}
