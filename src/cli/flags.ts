// Command-line flags are an edge of the product: each is read through a zod schema, so a bad value is
// a usage error (exit 10) saying what was expected, and a verb receives typed flags instead of casting
// commander's loose options object.
import { InvalidArgumentError } from 'commander';
import { z } from 'zod';
import { profileSchema } from '../core/config';
import { ValidationError } from '../core/errors';

/** A commander argument parser from a zod schema over the flag's text. */
export function parsedBy<T>(schema: z.ZodType<T>): (text: string) => T {
  return (text) => {
    const result = schema.safeParse(text);
    if (result.success) return result.data;
    throw new InvalidArgumentError(result.error.issues.map((i) => i.message).join('; '));
  };
}

/** A whole number from min to max, as a flag's text. */
export function integerIn(min: number, max: number, message = `expected a whole number from ${min} to ${max}`) {
  return z
    .string()
    .trim()
    .regex(/^-?\d+$/, message)
    .transform(Number)
    .pipe(z.number().int().min(min, message).max(max, message));
}

export const positiveInteger = integerIn(1, Number.MAX_SAFE_INTEGER, 'expected a whole number of at least 1.');

/** `a, b,,c` → ['a', 'b', 'c']: at least one name. */
export const commaList = z
  .string()
  .transform((text) =>
    text
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  )
  .pipe(z.array(z.string()).min(1, 'expected one or more names, comma-separated'));

/** Seconds, a positive number such as 2 or 0.5. */
export const seconds = z
  .string()
  .trim()
  .regex(/^\d+(\.\d+)?$/, 'expected a number of seconds, such as 10 or 0.5')
  .transform(Number)
  .pipe(z.number().positive('expected more than 0 seconds').max(3600, 'expected at most 3600 seconds'));

/** The options every verb takes (see main.ts). */
export const globalOptionsSchema = z.object({
  json: z.boolean().optional(),
  yes: z.boolean().optional(),
  profile: profileSchema.shape.name.optional(),
  verbose: z.boolean().optional(),
});

/** Checks a verb's options object (commander's) against its schema: typed flags, or exit 10 naming the flag. */
export function parseFlags<T>(schema: z.ZodType<T>, options: unknown): T {
  const result = schema.safeParse(options);
  if (result.success) return result.data;
  const text = result.error.issues
    .map(
      (i) =>
        `${i.path.length ? `--${String(i.path[0]).replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}: ` : ''}${i.message}`,
    )
    .join('; ');
  throw new ValidationError(`Invalid option: ${text}.`, { code: 'cli.invalidOption' });
}
