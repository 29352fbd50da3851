/**
 * Keeps credentials out of everything the action writes. Errors from the cloud runtime can carry
 * request details; they pass through `scrub` before they are logged, commented or put in outputs.
 */

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
];

/** Removes authorization material and every known secret value from `text`. */
export function scrub(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const [pattern, replacement] of SECRET_PATTERNS) out = out.replace(pattern, replacement);
  // Longest first, so a secret that contains another is removed whole.
  for (const secret of [...secrets].filter((s) => s.length >= 4).sort((a, b) => b.length - a.length)) {
    out = out.split(secret).join('[redacted]');
  }
  return out;
}
