/**
 * Keeps credentials out of everything the action writes. Errors from the cloud runtime can carry
 * request details; they pass through `scrub` before they are logged, commented or put in outputs.
 *
 * Also the one place that knows what a credential in a URL looks like: definitions refuse such a
 * URL (`urlCredential`), and `scrub` redacts the same shapes wherever a value is shown.
 */

/**
 * Query and fragment parameters that carry a credential: signing parameters of OSS, S3, GCS and
 * Azure SAS, STS security tokens, and the token, key and password parameters of the usual hosts.
 */
const CREDENTIAL_PARAM_NAMES =
  'signature|ossaccesskeyid|x-oss-signature|x-oss-credential|x-oss-security-token|security-?token|x-amz-[a-z-]+|x-goog-[a-z-]+|' +
  'googleaccessid|awsaccesskeyid|sig|se|sv|token|access_?token|private_?token|id_?token|refresh_?token|auth_?token|auth|' +
  'api_?key|apikey|key|password|passwd|pwd|secret|client_?secret|credentials?|jwt|bearer|session_?token|sas';
const CREDENTIAL_PARAM = new RegExp(`^(?:${CREDENTIAL_PARAM_NAMES})$`, 'i');

/** Credentials recognisable by their shape alone, wherever they appear. */
const TOKEN_SHAPES: ReadonlyArray<{ readonly what: string; readonly pattern: RegExp }> = [
  { what: 'a GitHub token', pattern: /\b(?:gh[pousr]_[A-Za-z0-9]{16,}|github_pat_[A-Za-z0-9_]{16,})/g },
  { what: 'a GitLab token', pattern: /\bglpat-[A-Za-z0-9_-]{16,}/g },
  { what: 'a Slack token', pattern: /\bxox[abposre]-[A-Za-z0-9-]{8,}/g },
  { what: 'an AWS access key ID', pattern: /\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/g },
  // STS access key IDs start with `STS.`, STS security tokens with `CAIS`.
  { what: 'an Alibaba Cloud STS credential', pattern: /\b(?:STS\.[A-Za-z0-9]{12,}|CAIS[A-Za-z0-9+/=_%-]{20,})/g },
  { what: 'a JSON Web Token', pattern: /\beyJ[A-Za-z0-9_-]{4,}\.eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g },
  { what: 'a bearer token', pattern: /\bBearer(?:\s+|%20|\+)[A-Za-z0-9._~+/-]{16,}=*/gi },
];

const SECRET_PATTERNS: ReadonlyArray<[RegExp, string]> = [
  [/(authorization["']?\s*[:=]\s*["']?)[^"'\r\n,}]+/gi, '$1[redacted]'],
  [/(x-acs-security-token["']?\s*[:=]\s*["']?)[^"'\s,}]+/gi, '$1[redacted]'],
  [/(x-acs-signature[\w-]*["']?\s*[:=]\s*["']?)[^"'\s,}]+/gi, '$1[redacted]'],
  [/(Signature=)[0-9a-f]+/gi, '$1[redacted]'],
  [/(Credential=)[^,\s]+/gi, '$1[redacted]'],
  [/(SecurityToken["']?\s*[:=]\s*["']?)[^"'\s,}]+/gi, '$1[redacted]'],
  [/(AccessKeySecret["']?\s*[:=]\s*["']?)[^"'\s,}]+/gi, '$1[redacted]'],
  // A request URL echoed by the runtime carries the JAR URL, which may be a pre-signed one.
  [/([?&]jarUrl=)[^&\s"']*/gi, '$1[redacted]'],
  [/([?&](?:Signature|OSSAccessKeyId|x-oss-[\w-]+|security-token|X-Amz-[\w-]+|sig|sv|se|AWSAccessKeyId)=)[^&\s"']*/gi, '$1[redacted]'],
  [new RegExp(`([?&#;](?:${CREDENTIAL_PARAM_NAMES})=)[^&#\\s"'<>]*`, 'gi'), '$1[redacted]'],
  ...TOKEN_SHAPES.map(({ pattern }): [RegExp, string] => [pattern, '[redacted]']),
];

const NAMED_ENTITIES: Readonly<Record<string, string>> = { '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": 'apos', '/': 'sol', '=': 'equals', '+': 'plus' };
const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * A pattern matching a secret in every spelling a server may echo it in: each character other than
 * a letter or digit as itself, URL-encoded (`%2B`, `+` for a space), an HTML entity (`&#43;`,
 * `&#x2b;`, `&plus;`) or a JSON escape (`\u002b`, `\/`), in any mix.
 */
function spellings(secret: string): RegExp {
  const known = SPELLINGS.get(secret);
  if (known !== undefined) return known;
  // Hex digits and the `x` of `&#x` in either case; the secret's own letters exactly.
  const anyCase = (source: string): string => source.replace(/[a-fx]/gi, (ch) => `[${ch.toLowerCase()}${ch.toUpperCase()}]`);
  const parts = Array.from(secret, (c) => {
    if (/[A-Za-z0-9]/.test(c)) return c;
    const code = c.codePointAt(0) ?? 0;
    const hex = code.toString(16);
    const utf8 = [...Buffer.from(c, 'utf8')].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');
    // URL-encoded once or twice (`%2B`, `%252B`): a value is often encoded again on its way back.
    const forms = [escapeRegExp(c), `&#0*${code};`, anyCase(`&#x0*${hex};`), `\\\\u0*${anyCase(hex.padStart(4, '0').replace(/^0+/, ''))}`, escapeRegExp(`\\${c}`), anyCase(utf8), anyCase(utf8.replace(/%/g, '%25'))];
    if (c === ' ') forms.push('\\+');
    const named = NAMED_ENTITIES[c];
    if (named !== undefined) forms.push(`&${named};`);
    return `(?:${forms.join('|')})`;
  });
  const pattern = new RegExp(parts.join(''), 'g');
  SPELLINGS.set(secret, pattern);
  return pattern;
}

/** A run holds a handful of secrets and scrubs every line it writes: each pattern is built once. */
const SPELLINGS = new Map<string, RegExp>();

/**
 * The base64 (and base64url) text that encodes `secret` wherever it sits in a longer encoded
 * value: for each of the three alignments, the characters that depend on the secret's bytes alone.
 */
function base64Forms(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  if (bytes.length < 8) return [];
  const forms: string[] = [];
  for (const shift of [0, 1, 2]) {
    const encoded = Buffer.concat([Buffer.alloc(shift), bytes]).toString('base64');
    const start = shift === 0 ? 0 : 4;
    const end = Math.floor((shift + bytes.length) / 3) * 4;
    const middle = encoded.slice(start, end);
    if (middle.length >= 8) forms.push(middle, middle.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  return forms;
}

/**
 * Removes authorization material, credential-shaped values and every known secret value (in its
 * URL, HTML, JSON and base64 spellings too) from `text`. Scrub before cutting: a cut secret no
 * longer matches.
 */
export function scrub(text: string, secrets: readonly string[] = []): string {
  let out = text;
  // Known values first, whole (longest first, so a secret that contains another is removed whole),
  // before a pattern takes part of one away and leaves the rest unrecognisable.
  for (const secret of [...new Set(secrets)].filter((s) => s.length >= 4).sort((a, b) => b.length - a.length)) {
    out = out.replace(spellings(secret), '[redacted]');
    for (const form of base64Forms(secret)) out = out.split(form).join('[redacted]');
  }
  for (const [pattern, replacement] of SECRET_PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

function decodeSafe(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

/**
 * What makes a URL carry a credential in its query or fragment (a credential-like parameter, or a
 * value shaped like a known token), described without the value; undefined when nothing does.
 * A token shape anywhere in the URL counts too. The result is safe to show.
 */
export function urlCredential(url: string): string | undefined {
  const decoded = decodeSafe(url);
  const shape = TOKEN_SHAPES.find(({ pattern }) => new RegExp(pattern.source, pattern.flags.replace('g', '')).test(decoded));
  if (shape !== undefined) return `${shape.what}`;
  const cut = url.search(/[?#]/);
  if (cut < 0) return undefined;
  for (const pair of url.slice(cut + 1).split(/[?#&;]/)) {
    const name = decodeSafe(pair.split('=')[0] ?? '').trim();
    if (CREDENTIAL_PARAM.test(name)) return `the parameter \`${name.toLowerCase()}\``;
  }
  return undefined;
}

/** Query parameters that make a URL pre-signed (OSS, S3, GCS, STS tokens, Azure SAS). */
const SIGNING_PARAM = /^(signature|ossaccesskeyid|x-oss-signature|x-oss-credential|x-oss-security-token|security-token|x-amz-[a-z-]+|x-goog-signature|x-goog-credential|googleaccessid|awsaccesskeyid|sig|se|sv)$/i;

/** Whether a URL is pre-signed: its query carries a signature or an access key. */
export function isPreSigned(url: string): boolean {
  const query = url.indexOf('?');
  if (query < 0) return false;
  const params = url.slice(query + 1).split('#')[0] ?? '';
  return params.split('&').some((pair) => SIGNING_PARAM.test(decodeSafe(pair.split('=')[0] ?? '')));
}

/** `scrub` applied to every string in a JSON-like value (a record's payload), keys included. */
export function scrubValue<T>(value: T, secrets: readonly string[] = []): T {
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return scrub(v, secrets);
    if (Array.isArray(v)) return v.map(walk);
    if (typeof v === 'object' && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [scrub(k, secrets), walk(x)]));
    return v;
  };
  return walk(value) as T;
}
