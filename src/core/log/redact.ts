// Redaction lives inside the logger so no caller can forget it: fields whose names mean a secret or
// a message body are replaced wholesale, and secret-shaped strings (bearer tokens, JWTs, Stripe keys,
// secrets in query strings and forms, passwords in URLs) are masked wherever they appear, in messages
// and in values. Bytes (Buffers, typed arrays) are never logged, only their length.

const SECRET_KEY =
  /(authorization|secret|password|passwd|token|assertion|cookie|api[-_]?key|signature|private[-_]?key|credential|connection[-_]?string)/i;
/** Message bodies and clinical text: never logged, whatever the field is called in the call. */
const BODY_KEY = /^(body|content|text|html|notetext|description|payload|rawbody|message_?body|cre92_text)$/i;

/** Names whose `name=value` is a credential wherever it stands: `client_secret`, `api_key`, `x-api-key`, `*_token`… */
const SECRET_PARAM_NAME = String.raw`[A-Za-z0-9_.-]*(?:secret|token|password|passwd|assertion|api[-_]?key|signature)`;

const STRING_PATTERNS: ReadonlyArray<[RegExp, string]> = [
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, '$1 [redacted]'],
  [/\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, '[redacted-jwt]'],
  [/\b(sk|rk|pk)_(test|live)_[A-Za-z0-9]+/g, '$1_$2_[redacted]'],
  [/\bwhsec_[A-Za-z0-9+/=]+/g, 'whsec_[redacted]'],
  // In a query string only (elsewhere `code=12` is an exit code): OAuth codes, SAS `sig`, bare `key`.
  [/([?&;](code|sig|key)=)[^&;\s"'<>]+/gi, '$1[redacted]'],
  // At the start of a text, in a form, a query string or a sentence: any credential-named parameter.
  [new RegExp(String.raw`(^|[^A-Za-z0-9_.-])(${SECRET_PARAM_NAME}=)[^&;\s"'<>]+`, 'gi'), '$1$2[redacted]'],
  // The same names as JSON members inside text (a response body quoted in a message).
  [new RegExp(String.raw`("${SECRET_PARAM_NAME}"\s*:\s*)"[^"]*"`, 'gi'), '$1"[redacted]"'],
  [/\b(ClientSecret|Password)=([^;"\s]+)/gi, '$1=[redacted]'],
];

/**
 * `scheme://user:password@host` → `scheme://[redacted]@host`. The userinfo runs to the last `@` before the
 * path, so a password with a raw `@` in it is masked whole; an `@` in a path or query is left alone.
 */
const URL_USERINFO = /\b([A-Za-z][A-Za-z0-9+.-]*:\/\/)[^\s/?#@"'<>]*(?:@[^\s/?#@"'<>]*)*@/g;

export const REDACTED = '[redacted]';

/** Masks the credentials (`user:password@`) of every URL in a text, keeping where each URL points. */
export function redactUrlUserinfo(text: string): string {
  return text.replace(URL_USERINFO, `$1${REDACTED}@`);
}

export function redactString(text: string, extraSecrets: readonly string[] = []): string {
  let out = redactUrlUserinfo(text);
  for (const [pattern, replacement] of STRING_PATTERNS) out = out.replace(pattern, replacement);
  for (const secret of extraSecrets) if (secret.length >= 6) out = out.split(secret).join(REDACTED);
  return out;
}

/** Bytes are never logged (they would be listed one by one, past every pattern and known secret): only their size. */
function describeBytes(value: ArrayBufferView | ArrayBufferLike): string {
  return `[${value.byteLength} bytes]`;
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
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer || value instanceof SharedArrayBuffer)
    return describeBytes(value);
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
