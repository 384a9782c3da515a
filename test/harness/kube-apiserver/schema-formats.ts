/**
 * The string formats kube-apiserver checks in CRD schemas. kube drops (ignores) every format it
 * does not know before validating; the ones it knows are checked with go-openapi's strfmt rules,
 * reproduced here. `int32`/`int64`/`float`/`double` stay on numeric schemas but are never checked
 * against the value's range, as in kube.
 */
import { isIPv4, isIPv6 } from 'node:net';

// Built once here rather than per checked value.
const RGB_BYTE = '\\s*(0|[1-9]\\d?|1\\d\\d?|2[0-4]\\d|25[0-5])\\s*';
const RGB_COLOR = new RegExp(`^rgb\\(${RGB_BYTE},${RGB_BYTE},${RGB_BYTE}\\)$`);
const EMAIL_ATOM = "[A-Za-z0-9!#$%&'*+\\-/=?^_`{|}~]+";
const EMAIL_DOT_ATOM = `${EMAIL_ATOM}(?:\\.${EMAIL_ATOM})*`;
const EMAIL_ADDRESS = new RegExp(`^(?:${EMAIL_DOT_ATOM}|"[^"\\\\]*")@${EMAIL_DOT_ATOM}$`);
const HOSTNAME_LABEL = '[a-zA-Z0-9\\p{S}\\p{L}]';
const HOSTNAME = new RegExp(
  `^(${HOSTNAME_LABEL}((-?${HOSTNAME_LABEL}{0,62})?)|(${HOSTNAME_LABEL}(([a-zA-Z0-9\\-\\p{S}\\p{L}]{0,61}${HOSTNAME_LABEL})?)(\\.)){1,}(${HOSTNAME_LABEL})(-?${HOSTNAME_LABEL}){1,62})$`,
  'u',
);

const STRING_FORMATS: Record<string, (s: string) => boolean> = {
  bsonobjectid: (s) => /^[0-9a-fA-F]{24}$/.test(s),
  uri: isRequestUri,
  email: isEmail,
  hostname: isHostname,
  ipv4: (s) => s.includes('.') && isIPv4(s),
  ipv6: (s) => s.includes(':') && !s.includes('%') && isIPv6(s),
  cidr: isCidr,
  mac: isMac,
  uuid: (s) => /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i.test(s),
  uuid3: (s) => /^[0-9a-f]{8}-?[0-9a-f]{4}-?3[0-9a-f]{3}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i.test(s),
  uuid4: (s) => /^[0-9a-f]{8}-?[0-9a-f]{4}-?4[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$/i.test(s),
  uuid5: (s) => /^[0-9a-f]{8}-?[0-9a-f]{4}-?5[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$/i.test(s),
  isbn: (s) => isIsbn10(s) || isIsbn13(s),
  isbn10: isIsbn10,
  isbn13: isIsbn13,
  creditcard: isCreditCard,
  ssn: (s) => s.length >= 9 && /^\d{3}[- ]?\d{2}[- ]?\d{4}$/.test(s),
  hexcolor: (s) => /^#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/.test(s),
  rgbcolor: (s) => RGB_COLOR.test(s),
  byte: (s) => /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{4})$/.test(s),
  password: () => true,
  date: isFullDate,
  duration: isDuration,
  datetime: isDateTime,
  quantity: (s) => /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+|Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)?$/.test(s),
  k8sshortname: (s) => s.length <= 63 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(s),
  k8slongname: (s) => s.length <= 253 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(s),
};

/**
 * The format kube keeps for a schema node after dropping unsupported ones ("" when none). `types`
 * is the node's type list (int-or-string counts as no single type, like a string).
 */
export function effectiveFormat(types: readonly string[], format: string | undefined): string {
  if (!format) return '';
  const type = types.length === 1 ? types[0] : '';
  switch (type) {
    case '':
    case 'string':
      return Object.hasOwn(STRING_FORMATS, normalizeFormat(format)) ? format : '';
    case 'integer':
      return format === 'int32' || format === 'int64' ? format : '';
    case 'number':
      return format === 'float' || format === 'double' ? format : '';
    default:
      return '';
  }
}

function normalizeFormat(format: string): string {
  return format.replaceAll('-', '');
}

/** Undefined when the format is not a string format kube checks. */
export function stringFormatChecker(format: string): ((s: string) => boolean) | undefined {
  const key = normalizeFormat(format);
  return Object.hasOwn(STRING_FORMATS, key) ? STRING_FORMATS[key] : undefined;
}

function isFullDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 0;
  return day <= days;
}

function isDateTime(s: string): boolean {
  if (s.length < 4) return false;
  const parts = s.toLowerCase().split('t');
  if (parts.length < 2 || !isFullDate(parts[0] ?? '')) return false;
  const m = /^([0-9]{2}):([0-9]{2}):([0-9]{2})(.[0-9]+)?(z|([+-][0-9]{2}:[0-9]{2}))$/.exec(parts[1] ?? '');
  if (!m) return false;
  return (m[1] ?? '') <= '23' && (m[2] ?? '') <= '59' && (m[3] ?? '') <= '59';
}

const DURATION_UNITS: readonly (readonly string[])[] = [
  ['ns', 'nano'],
  ['us', 'µs', 'micro'],
  ['ms', 'milli'],
  ['s', 'sec'],
  ['m', 'min'],
  ['h', 'hr', 'hour'],
  ['d', 'day'],
  ['w', 'wk', 'week'],
];

/** Go's time.ParseDuration syntax, or strfmt's looser "<n> <unit>" pairs (e.g. "3 days"). */
function isDuration(s: string): boolean {
  if (s === '0' || /^[-+]?((\d+(\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h))+$/.test(s)) return true;
  for (const match of s.matchAll(/(\d+)\s*([A-Za-zµ]+)/g)) {
    const unit = (match[2] ?? '').trim().toLowerCase();
    const known = DURATION_UNITS.some((variants) =>
      variants.some((variant, i) => unit === variant || (i === variants.length - 1 && unit.startsWith(variant))),
    );
    if (known) return true;
  }
  return false;
}

/** Go's url.ParseRequestURI: an absolute URI with a hierarchical part, or an absolute path. */
function isRequestUri(s: string): boolean {
  if (s.length === 0 || [...s].some((c) => c <= ' ' || c === '\x7f')) return false;
  if (/%(?![0-9a-fA-F]{2})/.test(s)) return false;
  if (s.startsWith('/')) return true;
  const m = /^[a-zA-Z][a-zA-Z0-9+.-]*:(.*)$/.exec(s);
  return m !== null && (m[1] ?? '').startsWith('/');
}

function isEmail(s: string): boolean {
  const angle = /^[^<>]*<([^<>]+)>$/.exec(s.trim());
  const address = angle ? (angle[1] ?? '') : s.trim();
  return EMAIL_ADDRESS.test(address);
}

function isHostname(s: string): boolean {
  if (!HOSTNAME.test(s)) return false;
  if (Buffer.byteLength(s) > 255) return false;
  return s.split('.').every((part) => Buffer.byteLength(part) <= 63);
}

function isCidr(s: string): boolean {
  const m = /^(.+)\/(\d{1,3})$/.exec(s);
  if (!m) return false;
  const ip = m[1] ?? '';
  const bits = Number(m[2]);
  if (isIPv4(ip)) return bits <= 32;
  return isIPv6(ip) && !ip.includes('%') && bits <= 128;
}

function isMac(s: string): boolean {
  return (
    /^([0-9a-fA-F]{2})([:-])[0-9a-fA-F]{2}(\2[0-9a-fA-F]{2}){4}((\2[0-9a-fA-F]{2}){2}|(\2[0-9a-fA-F]{2}){14})?$/.test(s) ||
    /^[0-9a-fA-F]{4}(\.[0-9a-fA-F]{4}){2}((\.[0-9a-fA-F]{4})|(\.[0-9a-fA-F]{4}){7})?$/.test(s)
  );
}

function isIsbn10(s: string): boolean {
  const clean = s.replace(/[\s-]/g, '');
  if (!/^\d{9}[\dX]$/.test(clean)) return false;
  let sum = 0;
  for (let i = 0; i < 10; i++) {
    const c = clean[i] ?? '0';
    sum += (c === 'X' ? 10 : Number(c)) * (10 - i);
  }
  return sum % 11 === 0;
}

function isIsbn13(s: string): boolean {
  const clean = s.replace(/[\s-]/g, '');
  if (!/^\d{13}$/.test(clean)) return false;
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += Number(clean[i]) * (i % 2 === 0 ? 1 : 3);
  return (10 - (sum % 10)) % 10 === Number(clean[12]);
}

function isCreditCard(s: string): boolean {
  const digits = s.replace(/\D/g, '');
  if (!/^(?:4[0-9]{12}(?:[0-9]{3})?|5[1-5][0-9]{14}|(222[1-9]|22[3-9][0-9]|2[3-6][0-9]{2}|27[01][0-9]|2720)[0-9]{12}|6(?:011|5[0-9][0-9])[0-9]{12}|3[47][0-9]{13}|3(?:0[0-5]|[68][0-9])[0-9]{11}|(?:2131|1800|35\d{3})\d{11}|6[27][0-9]{14})$/.test(digits)) {
    return false;
  }
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}
