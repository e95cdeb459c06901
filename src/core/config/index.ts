// Public surface of the configuration module.
import { ValidationError } from '../errors';
import type { ConfigProblem } from './loader';

export * from './schema';
export * from './loader';
export * from './describe';
export * from './environmentSecrets';

/** Thrown when a verb needs a setting that is missing or invalid. */
export class ConfigurationError extends ValidationError {
  constructor(message: string, problems: readonly ConfigProblem[] = []) {
    super(message, { code: 'config.invalid', detail: { problems } });
  }
}
export {
  sandboxProfile,
  sandboxProfileSettings,
  parseSandboxReadyLine,
  sandboxReadyLineSchema,
  type SandboxEndpoints,
  type SandboxReadyLine,
} from './sandboxProfile';
