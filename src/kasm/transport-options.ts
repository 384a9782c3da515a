import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { z } from 'zod';

/**
 * Options of one Kasm connection (transport), validated once at construction so a typo or a bad
 * value fails loudly with the field's name instead of misbehaving at the first request.
 */

const positiveMs = () =>
  z.number({ error: 'must be a number of milliseconds' }).int('must be a whole number of milliseconds').positive('must be > 0');

const baseUrlSchema = z
  .string({ error: 'must be a string such as https://kasm.example.com' })
  .trim()
  .refine((value) => URL.canParse(value), { error: 'must be an absolute URL such as https://kasm.example.com' })
  .refine((value) => !URL.canParse(value) || ['http:', 'https:'].includes(new URL(value).protocol), {
    error: 'must use http:// or https://',
  })
  .refine((value) => !URL.canParse(value) || (new URL(value).search === '' && new URL(value).hash === ''), {
    error: 'must not carry a query string or fragment',
  })
  // A path prefix (a Kasm behind a reverse proxy at /kasm) is kept; the trailing slash is dropped so
  // endpoint paths, which start with '/', join cleanly.
  .transform((value) => {
    const url = new URL(value);
    return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
  });

const tlsSchema = z.strictObject({
  /** Extra CA certificate(s), PEM, trusted besides the system roots. */
  caPem: z.string().trim().min(1, 'must not be empty when set').optional(),
  /** Accept any server certificate. For lab setups only. */
  insecureSkipVerify: z.boolean().default(false),
});

/** The bucket is refilled by a timer; it must hold at least this long's worth of requests. */
const minRefillStepMs = 5;

const rateLimitSchema = z
  .strictObject({
    requestsPerSecond: z.number().positive('must be > 0').max(100_000).default(100),
    /** Requests allowed at once after a quiet period; defaults to one second's worth. */
    burst: z.number().int('must be a whole number').min(1, 'must be >= 1').optional(),
    maxConcurrent: z.number().int('must be a whole number').min(1).max(1000).default(10),
  })
  .transform((value) => ({ ...value, burst: value.burst ?? Math.max(1, Math.floor(value.requestsPerSecond)) }))
  // Each timer tick adds at most `burst` tokens and timers are not precise below a few milliseconds.
  .refine((value) => (1000 * value.burst) / value.requestsPerSecond >= minRefillStepMs, {
    error: `must be >= requestsPerSecond / ${1000 / minRefillStepMs} (the bucket must hold at least ${minRefillStepMs} ms worth of requests)`,
    path: ['burst'],
  });

const retrySchema = z
  .strictObject({
    /** Total attempts including the first one. */
    maxAttempts: z.number().int('must be a whole number').min(1).max(20).default(4),
    baseDelayMs: positiveMs().default(200),
    maxDelayMs: positiveMs().default(10_000),
    /** A Retry-After longer than this is not waited for: the call fails with the RateLimited error. */
    maxRetryAfterMs: z.number().int().min(0).default(60_000),
  })
  .refine((value) => value.maxDelayMs >= value.baseDelayMs, {
    error: 'must be >= retry.baseDelayMs',
    path: ['maxDelayMs'],
  });

const breakerSchema = z
  .strictObject({
    failureThreshold: z.number().int('must be a whole number').min(1).default(5),
    openMs: positiveMs().default(30_000),
    maxOpenMs: positiveMs().default(300_000),
  })
  .refine((value) => value.maxOpenMs >= value.openMs, {
    error: 'must be >= breaker.openMs',
    path: ['maxOpenMs'],
  });

const kasmTransportOptionsSchema = z.strictObject({
  /** Connection label for logs and metrics. */
  name: z.string().trim().min(1, 'must not be empty').max(200).default('default'),
  baseUrl: baseUrlSchema,
  apiKey: z.string({ error: 'is required: the Kasm API key' }).min(1, 'must not be empty'),
  apiSecret: z.string({ error: 'is required: the Kasm API key secret' }).min(1, 'must not be empty'),
  timeoutMs: positiveMs().max(2_147_483_647).default(30_000),
  tls: tlsSchema.prefault({}),
  rateLimit: rateLimitSchema.prefault({}),
  retry: retrySchema.prefault({}),
  breaker: breakerSchema.prefault({}),
});

/** Live objects that are not configuration data and so stay outside the schema. */
export interface KasmTransportExtras {
  logger?: Logger | undefined;
  /** Metrics go to this registry; several transports may share one. */
  metrics?: Registry | undefined;
}

export type KasmTransportOptions = z.input<typeof kasmTransportOptionsSchema> & KasmTransportExtras;
export type ResolvedKasmTransportOptions = z.output<typeof kasmTransportOptionsSchema> & KasmTransportExtras;

/** Thrown for invalid transport options; `field` is the dotted path of the first bad field. */
export class KasmTransportOptionsError extends Error {
  readonly field: string;
  constructor(message: string, field: string) {
    super(message);
    this.name = 'KasmTransportOptionsError';
    this.field = field;
  }
}

export function parseKasmTransportOptions(options: KasmTransportOptions): ResolvedKasmTransportOptions {
  const { logger, metrics, ...data } = options;
  const parsed = kasmTransportOptionsSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue === undefined || issue.path.length === 0 ? '(options)' : issue.path.map(String).join('.');
    const details = parsed.error.issues
      .map((item) => `${item.path.length === 0 ? '(options)' : item.path.map(String).join('.')}: ${item.message}`)
      .join('; ');
    throw new KasmTransportOptionsError(`Invalid Kasm transport options: ${details}`, field);
  }
  return { ...parsed.data, logger, metrics };
}
