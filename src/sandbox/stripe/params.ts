// Reads Stripe's form-encoded parameters (`line_items[0][price_data][currency]=eur`) into typed values,
// failing with the same 400s Stripe sends: every value arrives as a string, so integers and booleans
// are parsed here, and errors name the parameter in bracket notation.

import qs from 'qs';
import {
  invalidValue,
  parameterInvalidBoolean,
  parameterInvalidEmpty,
  parameterInvalidInteger,
  parameterMissing,
} from './wire';

type Raw = Record<string, unknown>;

export function parseForm(text: string): Raw {
  // Stripe accepts up to a few hundred array entries (line items); qs's default limit of 20 would
  // turn `line_items[25]` into an object, which `objects()` tolerates anyway.
  return qs.parse(text, { arrayLimit: 500, depth: 10, parameterLimit: 10000 }) as Raw;
}

function isRecord(value: unknown): value is Raw {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** qs yields either an array or an object keyed "0", "1"… for indexed params; accept both. */
function asList(value: unknown): unknown[] | undefined {
  if (Array.isArray(value)) return value;
  if (isRecord(value) && Object.keys(value).every((k) => /^\d+$/.test(k))) {
    return Object.keys(value)
      .sort((a, b) => Number(a) - Number(b))
      .map((k) => value[k]);
  }
  return undefined;
}

export class Params {
  constructor(
    readonly raw: Raw,
    private readonly prefix = '',
  ) {}

  /** The parameter's name as Stripe reports it in `param`. */
  nameOf(key: string): string {
    return this.prefix === '' ? key : `${this.prefix}[${key}]`;
  }

  has(key: string): boolean {
    return this.raw[key] !== undefined;
  }

  string(key: string): string | undefined {
    const value = this.raw[key];
    if (value === undefined) return undefined;
    if (typeof value !== 'string') throw invalidValue(this.nameOf(key), `Invalid string: ${JSON.stringify(value)}`);
    return value;
  }

  requiredString(key: string): string {
    const value = this.string(key);
    if (value === undefined) throw parameterMissing(this.nameOf(key));
    if (value === '') throw parameterInvalidEmpty(this.nameOf(key));
    return value;
  }

  int(key: string): number | undefined {
    const value = this.string(key);
    if (value === undefined) return undefined;
    if (!/^-?\d+$/.test(value)) throw parameterInvalidInteger(this.nameOf(key), value);
    return Number(value);
  }

  requiredInt(key: string): number {
    const value = this.int(key);
    if (value === undefined) throw parameterMissing(this.nameOf(key));
    return value;
  }

  bool(key: string): boolean | undefined {
    const value = this.string(key);
    if (value === undefined) return undefined;
    if (value === 'true') return true;
    if (value === 'false') return false;
    throw parameterInvalidBoolean(this.nameOf(key), value);
  }

  oneOf<T extends string>(key: string, allowed: readonly T[]): T | undefined {
    const value = this.string(key);
    if (value === undefined) return undefined;
    if (!(allowed as readonly string[]).includes(value)) {
      throw invalidValue(this.nameOf(key), `Invalid ${key}: must be one of ${allowed.join(', ')}`);
    }
    return value as T;
  }

  currency(key: string): string | undefined {
    const value = this.string(key);
    if (value === undefined) return undefined;
    if (!/^[a-zA-Z]{3}$/.test(value)) throw invalidValue(this.nameOf(key), `Invalid currency: ${value}`);
    return value.toLowerCase();
  }

  object(key: string): Params | undefined {
    const value = this.raw[key];
    if (value === undefined || value === '') return undefined;
    if (!isRecord(value)) throw invalidValue(this.nameOf(key), `Invalid object`);
    return new Params(value, this.nameOf(key));
  }

  objects(key: string): Params[] | undefined {
    const value = this.raw[key];
    if (value === undefined) return undefined;
    const list = asList(value);
    if (list === undefined) throw invalidValue(this.nameOf(key), `Invalid array`);
    return list.map((item, i) => {
      if (!isRecord(item)) throw invalidValue(`${this.nameOf(key)}[${i}]`, `Invalid object`);
      return new Params(item, `${this.nameOf(key)}[${i}]`);
    });
  }

  strings(key: string): string[] | undefined {
    const value = this.raw[key];
    if (value === undefined) return undefined;
    if (typeof value === 'string') return value === '' ? [] : [value];
    const list = asList(value);
    if (list === undefined || !list.every((v): v is string => typeof v === 'string')) {
      throw invalidValue(this.nameOf(key), `Invalid array`);
    }
    return list;
  }

  /**
   * Metadata as Stripe treats it on update: `metadata=` clears all keys, `metadata[k]=` removes one key.
   * Returns undefined when absent, null for "clear all", else the patch (empty string = remove).
   */
  metadataPatch(key = 'metadata'): Record<string, string> | null | undefined {
    const value = this.raw[key];
    if (value === undefined) return undefined;
    if (value === '') return null;
    if (!isRecord(value)) throw invalidValue(this.nameOf(key), 'Invalid hash');
    const patch: Record<string, string> = {};
    for (const [k, v] of Object.entries(value)) {
      if (typeof v !== 'string') throw invalidValue(`${this.nameOf(key)}[${k}]`, 'Invalid string');
      if (k.length > 40) throw invalidValue(`${this.nameOf(key)}[${k}]`, 'Metadata keys can be at most 40 characters.');
      if (v.length > 500)
        throw invalidValue(`${this.nameOf(key)}[${k}]`, 'Metadata values can be at most 500 characters.');
      patch[k] = v;
    }
    return patch;
  }
}

/** Applies a metadata patch the way Stripe does, refusing more than 50 keys. */
export function applyMetadata(
  current: Record<string, string>,
  patch: Record<string, string> | null | undefined,
  param = 'metadata',
): Record<string, string> {
  if (patch === undefined) return current;
  if (patch === null) return {};
  const next = { ...current };
  for (const [k, v] of Object.entries(patch)) {
    if (v === '') delete next[k];
    else next[k] = v;
  }
  if (Object.keys(next).length > 50) throw invalidValue(param, 'Metadata can have at most 50 keys.');
  return next;
}
