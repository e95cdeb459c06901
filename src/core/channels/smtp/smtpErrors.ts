// Sorts what nodemailer reports into what the sender may do next. The line is the DATA phase: until the
// server has answered 354 and the first byte of the message has left, nothing was handed over, so the
// failure says plainly whether a retry may help (a refused connection or a 421/450-class answer: yes; a
// wrong password or a 5xx refusal: no). From then on the server may have queued the message whatever we
// heard (a timeout, a lost connection, even a 5xx on the final dot), and SMTP has no way to ask afterwards:
// that is a HandOverUncertainError, and the reminder waits for a person.
import {
  AuthenticationError,
  CancelledError,
  ExternalServiceError,
  isAbortError,
  LifeCockpitError,
  TransientError,
} from '../../errors';
import { HandOverUncertainError } from '../types';
import { maskSecrets } from './smtpLogger';

/** The fields nodemailer puts on its errors (smtp-connection's _formatError). */
interface SmtpFailure {
  message: string;
  code?: string;
  originalCode?: string;
  responseCode?: number;
  command?: string;
  response?: string;
}

export interface FailureContext {
  host: string;
  /** The message stream was read: the server had answered DATA with 354 and bytes of the message went out. */
  dataStarted: boolean;
  /** Strings that must never reach a message or a log (the password and its AUTH encodings). */
  secrets: readonly string[];
}

const UNREACHABLE = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN', 'EAI_AGAIN']);

export function smtpFailureToError(error: unknown, context: FailureContext): LifeCockpitError {
  if (error instanceof LifeCockpitError) return error;
  const failure = asFailure(error);
  const said = maskSecrets(failure.message, context.secrets);
  const detail = {
    host: context.host,
    smtpCode: failure.code,
    lowLevelCode: failure.originalCode,
    responseCode: failure.responseCode,
    command: failure.command,
  };
  if (context.dataStarted) {
    return new HandOverUncertainError(
      'smtp',
      `the SMTP server ${context.host} failed after the message itself went out: ${said}; SMTP cannot be asked afterwards whether it was queued`,
      { detail, cause: error },
    );
  }
  if (isAbortError(error)) return new CancelledError();
  const options = (code: string, retriable: boolean) => ({ code, retriable, detail, cause: error });
  if (failure.code === 'EAUTH') {
    return new AuthenticationError(
      `The SMTP server ${context.host} refused the user name or password in the SMTP secret (${said}). Set the secret again (LC_SMTP_URL); nothing was sent.`,
      options('channels.smtpAuthFailed', false),
    );
  }
  if (failure.code === 'ETLS' || /STARTTLS/i.test(failure.message)) {
    return new ExternalServiceError(
      `The SMTP server ${context.host} offered no working encryption (${said}). Life Cockpit never sends the password over an unencrypted connection: use smtps://…:465, or a server that offers STARTTLS on 587. Nothing was sent.`,
      options('channels.smtpNoTls', false),
    );
  }
  if (failure.code === 'EDNS') {
    return new ExternalServiceError(
      `The SMTP host ${context.host} was not found (${said}); check the host in the SMTP secret. Nothing was sent.`,
      options('channels.smtpHostNotFound', false),
    );
  }
  const lowLevel = failure.originalCode ?? failure.code;
  if (lowLevel !== undefined && UNREACHABLE.has(lowLevel)) {
    return new TransientError(
      `The SMTP server ${context.host} could not be reached (${lowLevel}); nothing was sent, a later try may work.`,
      options('channels.smtpUnreachable', true),
    );
  }
  const status = failure.responseCode;
  if (status !== undefined && status >= 400 && status < 500) {
    // 421 (closing), 450/451/452 (mailbox busy, local error, no storage): "try again later", before DATA.
    return new TransientError(
      `The SMTP server ${context.host} asked to try again later (${said}); nothing was sent.`,
      options('channels.smtpDeferred', true),
    );
  }
  if (status !== undefined && status >= 500) {
    return new ExternalServiceError(
      `The SMTP server ${context.host} refused the message (${said}); nothing was sent. Check the sender and recipient addresses.`,
      options('channels.smtpRefused', false),
    );
  }
  if (failure.code === 'ETIMEDOUT' || failure.code === 'ECONNECTION' || failure.code === 'ESOCKET') {
    return new TransientError(
      `The connection to the SMTP server ${context.host} failed before the message was sent (${said}); a later try may work.`,
      options('channels.smtpConnectionFailed', true),
    );
  }
  return new ExternalServiceError(
    `Sending through the SMTP server ${context.host} failed before the message was sent (${said}).`,
    options('channels.smtpFailed', false),
  );
}

function asFailure(error: unknown): SmtpFailure {
  if (error instanceof Error) return error as Error & SmtpFailure;
  return { message: String(error) };
}
