// Redaction lives inside the logger so no caller can forget it: fields whose names mean a secret or
// a message body are replaced wholesale, and secret-shaped strings (bearer tokens, JWTs, Stripe keys,
// client secrets in query strings) are masked wherever they appear, in messages and in values.

const SECRET_KEY =
  /(authorization|secret|password|passwd|token|assertion|cookie|api[-_]?key|signature|private[-_]?key|credential|connection[-_]?string)/i;
/** Message bodies and clinical text: never logged, whatever the field is called in the call. */
const BODY_KEY = /^(body|content|text|html|notetext|description|payload|rawbody|message_?body|cre92_text)$/i;

const STRING_PATTERNS: ReadonlyArray<[RegExp, string]> = [
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, '$1 [redacted]'],
  [/\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, '[redacted-jwt]'],
  [/\b(sk|rk|pk)_(test|live)_[A-Za-z0-9]+/g, '$1_$2_[redacted]'],
  [/\bwhsec_[A-Za-z0-9+/=]+/g, 'whsec_[redacted]'],
  [
    /([?&;](client_secret|client_assertion|code|sig|token|key|password|access_token|refresh_token|ClientSecret)=)[^&;\s"]+/gi,
    '$1[redacted]',
  ],
  [/\b(ClientSecret|Password)=([^;"\s]+)/gi, '$1=[redacted]'],
];

export const REDACTED = '[redacted]';

export function redactString(text: string, extraSecrets: readonly string[] = []): string {
  let out = text;
  for (const [pattern, replacement] of STRING_PATTERNS) out = out.replace(pattern, replacement);
  for (const secret of extraSecrets) if (secret.length >= 6) out = out.split(secret).join(REDACTED);
  return out;
}

/** Returns a deep copy of `value` that is safe for any sink. Cycles and depth are bounded. */
export function redactValue(
  value: unknown,
  extraSecrets: readonly string[] = [],
  depth = 0,
  seen = new WeakSet<object>(),
): unknown {
  if (typeof value === 'string') return redactString(value, extraSecrets);
  if (value === null || typeof value !== 'object') return value;
  if (depth > 8 || seen.has(value)) return '[…]';
  seen.add(value);
  if (value instanceof Error) {
    return {
      name: value.name,
      message: redactString(value.message, extraSecrets),
      ...(redactValue({ ...value }, extraSecrets, depth + 1, seen) as object),
    };
  }
  if (Array.isArray(value)) return value.slice(0, 100).map((v) => redactValue(v, extraSecrets, depth + 1, seen));
  if (value instanceof Map) return redactValue(Object.fromEntries(value), extraSecrets, depth + 1, seen);
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (SECRET_KEY.test(key) || BODY_KEY.test(key)) out[key] = v === undefined || v === null || v === '' ? v : REDACTED;
    else out[key] = redactValue(v, extraSecrets, depth + 1, seen);
  }
  return out;
}
