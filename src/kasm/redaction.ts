/**
 * Keeping secrets out of logs and error messages. `kasmRedactPaths` is the pino `redact` list for
 * the whole project; `scrubSecrets` cleans text that came from Kasm (or from a failed socket) before
 * it becomes part of an error message, since Kasm may echo parts of a request back.
 */

export const REDACTED = '[REDACTED]';

/** Field names whose values are credentials, tokens or links that log a user in. */
const secretKeys = [
  'api_key',
  'api_key_secret',
  'api_secret',
  'apiKey',
  'apiSecret',
  'password',
  'new_password',
  'token',
  'session_token',
  'access_token',
  'refresh_token',
  'secret',
  'client_secret',
  'authorization',
  'Authorization',
  'cookie',
  'activation_key',
  'docker_token',
  'docker_password',
  'private_key',
  'caPem',
  // A Kasm login link (get_login) and a session URL both embed a token that grants access.
  'url',
  'login_url',
  'loginUrl',
  'kasm_url',
  'kasmUrl',
] as const;

/** pino `redact.paths`: each key at the top level, one level down, two levels down, and in headers. */
export const kasmRedactPaths: readonly string[] = [
  ...secretKeys.flatMap((key) => [key, `*.${key}`, `*.*.${key}`]),
  'headers.authorization',
  'headers.cookie',
  '*.headers.authorization',
  '*.headers.cookie',
];

/** The pino `redact` option, ready to spread into `pino({ redact: kasmRedactOptions })`. */
export const kasmRedactOptions = { paths: [...kasmRedactPaths], censor: REDACTED };

/** Payload keys whose string values count as secrets when an error message is built. */
const secretKeyPattern = /pass(word)?|secret|token|key|authorization|credential/i;

/** Values this short would mangle ordinary words if scrubbed; Kasm requires longer secrets anyway. */
const minSecretLength = 4;

/** String values under secret-looking keys anywhere in `value` (objects and arrays are walked). */
export function collectSecretValues(value: unknown, found: string[] = [], depth = 0): string[] {
  if (depth > 8 || value === null || typeof value !== 'object') {
    return found;
  }
  if (Array.isArray(value)) {
    for (const item of value) {
      collectSecretValues(item, found, depth + 1);
    }
    return found;
  }
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    if (typeof item === 'string' && secretKeyPattern.test(key)) {
      found.push(item);
    } else {
      collectSecretValues(item, found, depth + 1);
    }
  }
  return found;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The forms a secret takes when echoed: as is, JSON-escaped, URL-encoded. */
function variants(secret: string): string[] {
  const forms = new Set([secret, JSON.stringify(secret).slice(1, -1), encodeURIComponent(secret)]);
  return [...forms].filter((form) => form.length >= minSecretLength);
}

/** Replaces every occurrence of each secret in `text` with "[REDACTED]"; longest secrets first. */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  const forms = [...new Set(secrets.filter((secret) => secret.length >= minSecretLength).flatMap(variants))].sort(
    (a, b) => b.length - a.length,
  );
  if (forms.length === 0) {
    return text;
  }
  return text.replace(new RegExp(forms.map(escapeRegExp).join('|'), 'g'), REDACTED);
}
