// SendGrid as a transport channel: the v3 mail/send API through the HTTP layer, to SendGrid or a sandbox.
export { createSendGridChannel, mailSendBody, SENDGRID_LIMITS, type SendGridChannelDeps } from './sendgridChannel';
export { checkSendGridUrl } from './sendgridUrl';
