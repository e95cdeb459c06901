// SMTP as a transport channel: nodemailer over STARTTLS or TLS to the host inside the SMTP secret.
export { createSmtpChannel, SMTP_LIMITS, type SmtpChannelDeps } from './smtpChannel';
export { stableMessageId } from './messageId';
export { parseSmtpUrl, type SmtpEndpoint } from './smtpUrl';
