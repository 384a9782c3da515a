import { z } from 'zod';

/**
 * Kubernetes resource quantities (`2Gi`, `512Mi`, `1.5G`, `2147483648`) read as a whole number of
 * bytes, for fields such as a workspace's memory that Kasm takes in bytes.
 */

/** RE2-compatible, so the CRD can carry it too. Negative quantities are not sizes. */
const QUANTITY_PATTERN = '^\\+?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][-+]?[0-9]+|[KMGTPE]i|[mkMGTPE])?$';

const QUANTITY = /^\+?(?<number>[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?<suffix>[eE][-+]?[0-9]+|[KMGTPE]i|[mkMGTPE])?$/;

/** Suffix → [power of 2, power of 10] it multiplies by. */
const SCALE: Record<string, readonly [number, number]> = {
  Ki: [10, 0], Mi: [20, 0], Gi: [30, 0], Ti: [40, 0], Pi: [50, 0], Ei: [60, 0],
  m: [0, -3], k: [0, 3], M: [0, 6], G: [0, 9], T: [0, 12], P: [0, 15], E: [0, 18],
};

const MAX_LENGTH = 64;

const QUANTITY_EXAMPLES = '2Gi, 512Mi, 1.5G or 2147483648';

/** A text that is not a byte quantity, or one too large to represent; the message names the field and the fix. */
export class QuantityError extends Error {
  readonly retryable = false;
  constructor(
    readonly field: string,
    readonly text: string,
    detail: string,
  ) {
    super(`${field}: "${text}" ${detail}`);
    this.name = 'QuantityError';
  }
}

function scaleOf(suffix: string | undefined): readonly [number, number] {
  if (suffix === undefined) return [0, 0];
  // A lone "E" is exa; "e"/"E" followed by digits is a decimal exponent.
  if (/^[eE][-+]?[0-9]+$/.test(suffix)) return [0, Number(suffix.slice(1))];
  return SCALE[suffix] ?? [0, 0];
}

/**
 * The number of bytes a quantity stands for; a fraction of a byte rounds up, as Kubernetes does.
 * Throws QuantityError naming `field` when the text is not a quantity or is too large to represent exactly.
 */
export function parseByteQuantity(text: string, field: string): number {
  const match = text.length <= MAX_LENGTH ? QUANTITY.exec(text) : null;
  const number = match?.groups?.number;
  if (number === undefined) throw new QuantityError(field, text, `is not a Kubernetes quantity; write a size such as ${QUANTITY_EXAMPLES}`);
  // Exact decimal arithmetic: a float would turn 1.15G into 1150000000.0000002 bytes.
  const [whole = '', fraction = ''] = number.split('.');
  const [pow2, pow10] = scaleOf(match?.groups?.suffix);
  const exponent = pow10 - fraction.length;
  // Bounds keep the BigInt powers small; with at most MAX_LENGTH digits, 10^-100 of them is under one byte.
  if (exponent < -100) return /[1-9]/.test(number) ? 1 : 0;
  if (exponent > 40) throw new QuantityError(field, text, 'is too large; write at most 8Pi');
  let numerator = BigInt(`${whole}${fraction}` || '0') * 2n ** BigInt(pow2);
  let denominator = 1n;
  if (exponent >= 0) numerator *= 10n ** BigInt(exponent);
  else denominator = 10n ** BigInt(-exponent);
  // Like Kubernetes, a fraction of a byte rounds up.
  const bytes = (numerator + denominator - 1n) / denominator;
  if (bytes > BigInt(Number.MAX_SAFE_INTEGER)) throw new QuantityError(field, text, 'is too large; write at most 8Pi');
  return Number(bytes);
}

/** A string field holding a byte quantity; the parse error names the field through the zod path. */
export function byteQuantity(options: { min?: number } = {}) {
  const min = options.min ?? 0;
  return z
    .string()
    .max(MAX_LENGTH)
    .regex(new RegExp(QUANTITY_PATTERN), { message: `must be a Kubernetes quantity such as ${QUANTITY_EXAMPLES}` })
    .superRefine((text, ctx) => {
      if (!QUANTITY.test(text)) return; // the regex above already reported it
      try {
        const bytes = parseByteQuantity(text, 'value');
        if (bytes < min) ctx.addIssue({ code: 'custom', message: `must be at least ${min} bytes, e.g. ${QUANTITY_EXAMPLES}` });
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: err instanceof QuantityError ? err.message.replace(/^value: "[^"]*" /, '') : String(err) });
      }
    });
}
