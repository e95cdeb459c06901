// The sandbox's seeded randomness: every id, name and fault decision draws from here so a seed gives
// the same practice and the same faults on every run. Hand-written (mulberry32 over an FNV-1a hash of
// the seed string) because ten lines of arithmetic do not justify a dependency.

import type { Prng } from './types';

export interface SeededPrng extends Prng {
  /** An independent stream for one purpose, so drawing more clients never shifts the tenant id. */
  fork(label: string): SeededPrng;
  /** `length` characters from `alphabet` (default: lowercase letters and digits). */
  chars(length: number, alphabet?: string): string;
  /** True with probability `p`. */
  chance(p: number): boolean;
}

const ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** FNV-1a, 32 bits: spreads a seed string over the whole state space of mulberry32. */
export function hashSeed(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

export function createPrng(seed: string): SeededPrng {
  let state = hashSeed(seed);

  // mulberry32: a 32-bit state, full period 2^32, good enough for test data and fault rates.
  const nextUint32 = (): number => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return (t ^ (t >>> 14)) >>> 0;
  };

  const next = (): number => nextUint32() / 4294967296;
  const int = (minInclusive: number, maxExclusive: number): number =>
    minInclusive + Math.floor(next() * (maxExclusive - minInclusive));

  return {
    next,
    int,
    pick<T>(items: readonly T[]): T {
      if (items.length === 0) throw new RangeError('pick from an empty list');
      return items[int(0, items.length)] as T;
    },
    uuid(): string {
      const bytes = Buffer.alloc(16);
      for (let i = 0; i < 16; i += 4) bytes.writeUInt32BE(nextUint32(), i);
      // RFC 9562 version 4 and variant bits, so the ids pass every uuid validator.
      bytes[6] = ((bytes[6] as number) & 0x0f) | 0x40;
      bytes[8] = ((bytes[8] as number) & 0x3f) | 0x80;
      const hex = bytes.toString('hex');
      return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
    },
    chars(length: number, alphabet = ALNUM): string {
      let out = '';
      for (let i = 0; i < length; i++) out += alphabet[int(0, alphabet.length)];
      return out;
    },
    chance(p: number): boolean {
      return next() < p;
    },
    fork(label: string): SeededPrng {
      return createPrng(`${seed}/${label}`);
    },
  };
}
