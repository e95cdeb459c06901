// How many SMS segments a text costs, as a carrier bills it (3GPP TS 23.038 and 23.040): GSM-7 when every
// character is in the default alphabet or its extension table (an extension character is an escape plus
// the character: two septets), else UCS-2 for the whole message, counted in UTF-16 code units (an emoji
// is a surrogate pair: two). One segment holds 160 septets or 70 code units; a concatenated message
// loses room to its header, 153 septets or 67 code units a segment, and a phone never splits an escape
// from its character or a surrogate pair, so a unit that would straddle opens the next segment.

export type SmsEncoding = 'GSM-7' | 'UCS-2';

export interface SmsSegments {
  segments: number;
  encoding: SmsEncoding;
  /** The text's length in the encoding's units (septets for GSM-7, UTF-16 code units for UCS-2). */
  characters: number;
}

/** More segments than this and a rendered SMS carries a warning. */
export const SMS_SEGMENT_WARNING = 2;

const GSM7_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM7_EXTENSION = '\f^{}\\[~]|€';

const BASIC = new Set(GSM7_BASIC);
const EXTENSION = new Set(GSM7_EXTENSION);

const LIMITS: Record<SmsEncoding, { single: number; concatenated: number }> = {
  'GSM-7': { single: 160, concatenated: 153 },
  'UCS-2': { single: 70, concatenated: 67 },
};

export function smsSegments(text: string): SmsSegments {
  const septets = gsm7Costs(text);
  const encoding: SmsEncoding = septets ? 'GSM-7' : 'UCS-2';
  // Iterating a string yields code points: a surrogate pair comes as one, costing its two code units.
  const costs = septets ?? [...text].map((c) => c.length);
  const characters = costs.reduce((sum, cost) => sum + cost, 0);
  const limit = LIMITS[encoding];
  if (characters === 0) return { segments: 0, encoding, characters };
  if (characters <= limit.single) return { segments: 1, encoding, characters };
  let segments = 1;
  let used = 0;
  for (const cost of costs) {
    if (used + cost > limit.concatenated) {
      segments++;
      used = 0;
    }
    used += cost;
  }
  return { segments, encoding, characters };
}

export function smsWarnings(counted: SmsSegments): string[] {
  return counted.segments > SMS_SEGMENT_WARNING
    ? [`The SMS is ${counted.segments} segments long (more than ${SMS_SEGMENT_WARNING}).`]
    : [];
}

/** The septets each character costs, or undefined when one is outside GSM-7. */
function gsm7Costs(text: string): number[] | undefined {
  const costs: number[] = [];
  for (const c of text) {
    if (BASIC.has(c)) costs.push(1);
    else if (EXTENSION.has(c)) costs.push(2);
    else return undefined;
  }
  return costs;
}
