// Reads the SMTP secret (`smtp://user:password@host:587` or `smtps://user:password@host:465`) into what
// nodemailer needs. The host lives inside the secret, so no setting can send the password elsewhere; and the
// scheme decides the encryption: smtp:// must upgrade with STARTTLS before AUTH, smtps:// is TLS from the
// first byte. There is no way to ask for plain authentication over an unencrypted socket.
import { ValidationError } from '../../errors';
import { redactUrlUserinfo } from '../../log';

export interface SmtpEndpoint {
  host: string;
  port: number;
  /** true: implicit TLS (smtps://, 465); false: STARTTLS required before anything else (smtp://, 587). */
  implicitTls: boolean;
  user: string;
  password: string;
}

const DEFAULT_PORTS = { 'smtp:': 587, 'smtps:': 465 } as const;

export function parseSmtpUrl(smtpUrl: string): SmtpEndpoint {
  let url: URL;
  try {
    url = new URL(smtpUrl.trim());
  } catch (error) {
    throw invalid('it is not a URL', error);
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') {
    throw invalid(`it starts with ${url.protocol.replace(/:$/, '')}://`);
  }
  if (url.hostname === '') throw invalid('it names no host');
  if (url.username === '' || url.password === '') throw invalid('it has no user name and password');
  if ((url.pathname !== '' && url.pathname !== '/') || url.search !== '') {
    throw invalid('it has a path or query, which SMTP has no use for');
  }
  return {
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port === '' ? DEFAULT_PORTS[url.protocol] : Number(url.port),
    implicitTls: url.protocol === 'smtps:',
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
  };
}

function invalid(why: string, cause?: unknown): ValidationError {
  return new ValidationError(
    `The SMTP secret (LC_SMTP_URL) is not usable: ${why}. ` +
      'Write it as smtp://user:password@host:587 (STARTTLS) or smtps://user:password@host:465 (TLS), ' +
      'with any @ : / in the password percent-encoded.',
    { code: 'channels.smtpUrlInvalid', ...(cause === undefined ? {} : { cause: redactedCause(cause) }) },
  );
}

/** The URL parser's message quotes the input, password and all. */
function redactedCause(cause: unknown): string {
  return redactUrlUserinfo(cause instanceof Error ? cause.message : String(cause));
}
