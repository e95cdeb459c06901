// Public surface of message templates: rendering reminders and follow-ups from Liquid templates.
export * from './message';
export * from './renderMessage';
export * from './templateError';
export { smsSegments, SMS_SEGMENT_WARNING } from './smsSegments';
export type { SmsEncoding, SmsSegments } from './smsSegments';
export {
  defaultTemplates,
  loadTemplates,
  templatesWith,
  WORKSPACE_TEMPLATES_FOLDER,
  MAX_TEMPLATE_CHARS,
} from './templateSet';
export type { TemplateFile, Templates } from './templateSet';
