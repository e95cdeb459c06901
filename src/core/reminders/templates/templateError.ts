// The errors a message template can raise. All are validation errors: the template (or the record it
// names) has to change, so a retry never helps, and each names the file, and the line when known.
import { ValidationError, type ErrorOptions } from '../../errors';

export type TemplateErrorCode =
  | 'template.missingVariable'
  | 'template.unknownFilter'
  | 'template.syntax'
  | 'template.pathRefused'
  | 'template.notFound'
  | 'template.limitExceeded'
  | 'template.noSubject'
  | 'template.renderFailed'
  | 'template.unreadable'
  | 'template.invalidLanguage'
  | 'template.invalidTimeZone';

export class TemplateError extends ValidationError {
  declare readonly code: TemplateErrorCode;
  constructor(message: string, options: Omit<ErrorOptions, 'code' | 'retriable'> & { code: TemplateErrorCode }) {
    super(message, { ...options, retriable: false });
  }
}
