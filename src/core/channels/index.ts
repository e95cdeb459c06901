// Public surface of the channels module: the transport interface, its errors, and each channel's factory.
export * from './types';
export { createSmtpChannel, parseSmtpUrl, SMTP_LIMITS, type SmtpChannelDeps } from './smtp';
export { createSendGridChannel, SENDGRID_LIMITS, type SendGridChannelDeps } from './sendgrid';
export {
  ACS_SMS_LIMITS,
  ACS_SMS_REPEAT_WINDOW_MS,
  createAcsSmsChannel,
  parseAcsConnectionString,
  type AcsSmsChannelDeps,
} from './acsSms';
export { channelsFor, closeTransports, type ChannelSecrets, type ChannelsForDeps } from './channelsFor';
export { CHANNEL_SECRET_NAMES, readChannelSecrets, type ChannelSecretName } from './channelSecrets';
