import { z } from 'zod';
import { parseDuration } from './annotations.js';

/**
 * Field types shared by the kinds: references to other objects and Secrets, Kasm ids, names and
 * timestamps. Patterns are RE2-compatible because kube-apiserver evaluates them with Go's regexp.
 */

/** A Kubernetes object name (DNS-1123 subdomain), as every Secret and custom resource has. */
export const objectName = z
  .string()
  .min(1)
  .max(253)
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/, {
    message: 'must be a Kubernetes object name: lowercase letters, digits, "-" and ".", starting and ending with a letter or digit',
  });

/** A key inside a Secret's data. */
export const secretKey = z
  .string()
  .min(1)
  .max(253)
  .regex(/^[-._a-zA-Z0-9]+$/, { message: 'must be a Secret key: letters, digits, "-", "_" and "."' });

/** A Kasm id: a UUID, either as 32 hex digits or in the dashed form (Kasm accepts both). */
export const kasmId = z
  .string()
  .regex(/^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$/, {
    message: 'must be a Kasm id: a UUID such as 68d557ac4cac42cca9f31c7c853de0f3 (dashes optional)',
  });

/** A Kasm display name (username, group name): no leading or trailing whitespace. */
export function kasmName(maxLength: number): z.ZodString {
  return z
    .string()
    .min(1)
    .max(maxLength)
    .regex(/^\S(.*\S)?$/, { message: 'must not be empty or start or end with whitespace' });
}

/** An RFC 3339 timestamp, as Kubernetes writes them (`2024-05-01T12:00:00Z`). */
export const timestamp = z.string().meta({ format: 'date-time' });

/** A Go-style duration (`500ms`, `90s`, `1h30m`), RE2-compatible so the CRD carries the pattern too. */
const DURATION_BODY = '([0-9]+(\\.[0-9]+)?(ms|s|m|h))+';

export interface DurationOptions {
  maxLength: number;
  /** Bounds in milliseconds, both inclusive. */
  minMs: number;
  maxMs: number;
  /** The issue when the text is not a duration. */
  formatMessage: string;
  /** The issue when the duration is outside the bounds. */
  rangeMessage: string;
  /** A word accepted instead of a duration, e.g. "off". */
  orWord?: string;
}

/** A duration field: its pattern goes into the CRD too; its bounds are checked by the operator's parse. */
export function duration(options: DurationOptions) {
  const { orWord } = options;
  const pattern = orWord === undefined ? `^${DURATION_BODY}$` : `^(${orWord}|${DURATION_BODY})$`;
  return z
    .string()
    .max(options.maxLength)
    .regex(new RegExp(pattern), { message: options.formatMessage })
    .superRefine((value, ctx) => {
      if (value === orWord) return;
      const ms = parseDuration(value);
      if (ms === undefined || ms < options.minMs || ms > options.maxMs) ctx.addIssue({ code: 'custom', message: options.rangeMessage });
    });
}

/** A reference to an object of a given kind in the same namespace, by name. */
export function localRef(kind: string) {
  return z
    .object({ name: objectName.describe(`Name of the ${kind} in the same namespace.`) })
    .describe(`Reference to a ${kind} in the same namespace.`);
}

/** A key of a Secret in the same namespace (passwords, API secrets, activation keys, registry tokens). */
export const secretKeyRef = z
  .object({
    name: objectName.describe('Name of the Secret in the same namespace.'),
    key: secretKey.describe('Key in the Secret whose value is used.'),
  })
  .describe('A key of a Secret in the same namespace.');
export type SecretKeyRef = z.infer<typeof secretKeyRef>;

/**
 * Where a kind that receives credentials (session URL and token, login URL) writes them. The
 * operator creates the Secret, owns it (it is deleted with the resource) and overwrites it.
 */
export const writeConnectionSecretToRef = z
  .object({ name: objectName.describe('Name of the Secret to write, in the same namespace.') })
  .describe('Secret in the same namespace that the operator creates, owns and keeps up to date with the credentials it receives.');
export type WriteConnectionSecretToRef = z.infer<typeof writeConnectionSecretToRef>;
