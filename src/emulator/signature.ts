/**
 * Server-side verification of Alibaba Cloud's ACS3-HMAC-SHA256 request
 * signature, rebuilt from what actually arrived on the wire (raw path, raw
 * query, the headers the client says it signed, the body bytes), so that a
 * client bug in any of those shows up as a failed check, as it would in the cloud.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { parse as parseQuery } from 'node:querystring';

export const SIGNATURE_ALGORITHM = 'ACS3-HMAC-SHA256';

/** The parts of an incoming request the signature covers. */
export interface RequestToVerify {
  readonly method: string;
  /** The path exactly as sent, still percent-encoded, without the query. */
  readonly rawPath: string;
  /** The query string as sent, without the `?` ('' when absent). */
  readonly rawQuery: string;
  /** Header name (lower case) -> every value received for it. */
  readonly headers: Readonly<Record<string, readonly string[] | undefined>>;
  readonly body: Buffer;
}

/** What the verifier needs to know about an AccessKeyId. */
export interface KeyRecord {
  readonly secret: string;
  /** Set for STS keys: the `x-acs-security-token` the request must carry. */
  readonly securityToken?: string;
}

export type VerifyResult =
  | { readonly ok: true; readonly accessKeyId: string }
  | { readonly ok: false; readonly status: number; readonly code: string; readonly message: string };

interface ParsedAuthorization {
  readonly accessKeyId: string;
  readonly signedHeaders: readonly string[];
  readonly signature: string;
}

/**
 * Checks the request's signature. Error messages name what is wrong but never
 * the secret, the expected signature or the one received.
 */
export function verifySignature(request: RequestToVerify, lookupKey: (accessKeyId: string) => KeyRecord | undefined): VerifyResult {
  const authorization = firstValue(request.headers, 'authorization');
  if (authorization === undefined) {
    return fail(400, 'IncompleteSignature', 'The request carries no Authorization header.');
  }
  const parsed = parseAuthorization(authorization);
  if (typeof parsed === 'string') return fail(400, 'IncompleteSignature', parsed);

  const key = lookupKey(parsed.accessKeyId);
  if (key === undefined) {
    return fail(404, 'InvalidAccessKeyId.NotFound', 'Specified access key is not found.');
  }

  const token = firstValue(request.headers, 'x-acs-security-token');
  if (key.securityToken !== undefined ? token !== key.securityToken : token !== undefined) {
    const message = key.securityToken !== undefined && token === undefined
      ? 'The security token is missing: this AccessKeyId is an STS key.'
      : 'The security token you provided is invalid.';
    return fail(403, 'InvalidSecurityToken', message);
  }

  // The gateway refuses requests whose x-acs-* headers or host escape the signature;
  // otherwise such a header could be altered in transit without detection.
  const signed = new Set(parsed.signedHeaders);
  for (const name of Object.keys(request.headers)) {
    if ((name.startsWith('x-acs-') || name === 'host') && !signed.has(name)) {
      return fail(403, 'SignatureDoesNotMatch', `The header ${name} must be listed in SignedHeaders.`);
    }
  }

  const bodyHash = sha256Hex(request.body);
  const declaredHash = firstValue(request.headers, 'x-acs-content-sha256');
  if (declaredHash !== undefined && declaredHash.toLowerCase() !== bodyHash) {
    return fail(403, 'SignatureDoesNotMatch', 'The x-acs-content-sha256 header does not match the request body.');
  }

  const canonical = canonicalRequest(request, parsed.signedHeaders, bodyHash);
  const expected = signString(key.secret, stringToSign(canonical));
  if (!sameHex(expected, parsed.signature)) {
    return fail(403, 'SignatureDoesNotMatch', 'The request signature does not conform to Aliyun standards: the signature we calculated does not match the one provided.');
  }
  return { ok: true, accessKeyId: parsed.accessKeyId };
}

/** Parses `ACS3-HMAC-SHA256 Credential=ID,SignedHeaders=a;b,Signature=hex`; a string is the problem found. */
export function parseAuthorization(header: string): ParsedAuthorization | string {
  const space = header.indexOf(' ');
  const algorithm = space < 0 ? header : header.slice(0, space);
  if (algorithm !== SIGNATURE_ALGORITHM) {
    return `Unsupported signature algorithm; the emulator accepts ${SIGNATURE_ALGORITHM} only.`;
  }
  const fields = new Map<string, string>();
  for (const part of header.slice(space + 1).split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const accessKeyId = fields.get('Credential');
  const signedHeaders = fields.get('SignedHeaders');
  const signature = fields.get('Signature');
  if (!accessKeyId || !signedHeaders || !signature) {
    return 'The Authorization header must carry Credential, SignedHeaders and Signature.';
  }
  return { accessKeyId, signedHeaders: signedHeaders.split(';').map((name) => name.trim().toLowerCase()), signature };
}

/** METHOD \n path \n query \n headers \n signed-names \n body-hash, as the client builds it. */
export function canonicalRequest(request: RequestToVerify, signedHeaders: readonly string[], bodyHash: string): string {
  return [
    request.method.toUpperCase(),
    canonicalPath(request.rawPath),
    canonicalQuery(request.rawQuery),
    canonicalHeaders(request.headers, signedHeaders),
    signedHeaders.join(';'),
    bodyHash,
  ].join('\n');
}

/** The client signs its pathname with these three substitutions applied; the server mirrors them. */
function canonicalPath(rawPath: string): string {
  return rawPath.replace(/\+/g, '%20').replace(/\*/g, '%2A').replace(/%7E/g, '~');
}

/** Keys sorted, each value decoded from the wire then re-encoded per RFC 3986. */
export function canonicalQuery(rawQuery: string): string {
  if (rawQuery === '') return '';
  const parsed = parseQuery(rawQuery);
  const pairs: string[] = [];
  for (const key of Object.keys(parsed).sort()) {
    const value = parsed[key];
    const values = value === undefined ? [''] : Array.isArray(value) ? [...value].sort() : [value];
    for (const item of values) pairs.push(`${key}=${rfc3986(item)}`);
  }
  return pairs.join('&');
}

/** `name:values\n` per signed header, with repeated values trimmed, sorted and comma-joined. */
function canonicalHeaders(headers: RequestToVerify['headers'], signedHeaders: readonly string[]): string {
  return [...signedHeaders]
    .sort()
    .map((name) => `${name}:${[...(headers[name] ?? [''])].map((value) => value.trim()).sort().join(',')}\n`)
    .join('');
}

export function stringToSign(canonical: string): string {
  return `${SIGNATURE_ALGORITHM}\n${sha256Hex(Buffer.from(canonical, 'utf8'))}`;
}

export function signString(secret: string, text: string): string {
  return createHmac('sha256', secret).update(text, 'utf8').digest('hex');
}

export function sha256Hex(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

export function rfc3986(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);
}

function sameHex(expected: string, received: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(received.toLowerCase(), 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

function firstValue(headers: RequestToVerify['headers'], name: string): string | undefined {
  return headers[name]?.[0];
}

function fail(status: number, code: string, message: string): VerifyResult {
  return { ok: false, status, code, message };
}
