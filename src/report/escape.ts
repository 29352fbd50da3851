/**
 * Makes values that come from definition files or the API safe to show.
 *
 * Anyone who can open a pull request controls connector names, descriptions and URLs, and the API
 * echoes them back in error messages. Rendered raw in a comment they could break a table, inject
 * HTML, ping people or link issues; printed raw in a log they could start a workflow command on a
 * fresh line. Everything shown goes through `oneLine` (logs) or `escapeMarkdown` (comment, summary).
 */

/** Longest value shown unless a caller asks otherwise (in code points, before escaping). */
export const DEFAULT_MAX_LENGTH = 256;

const ELLIPSIS = '…';
/** U+200D: invisible, but enough to stop `@name` and `#123` from being read as a mention or reference. */
const ZWJ = '\u200D';

/** Control characters and line/paragraph separators: each becomes a space so words stay apart. */
const BREAKING = /[\p{Cc}\u2028\u2029]/gu;
/** Bidirectional overrides/isolates and BOM: invisible, and able to make text read differently than it is. */
const INVISIBLE = /[\u202A-\u202E\u2066-\u2069\uFEFF]/g;

/**
 * Characters with a meaning in GitHub-flavoured markdown or HTML. Entities are decoded after the
 * markdown is parsed, so they show the character without its effect; `@` and `#` also get a joiner,
 * because mentions and issue links are found in the decoded text.
 */
const ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '|': '&#124;',
  '\\': '&#92;',
  '`': '&#96;',
  '*': '&#42;',
  _: '&#95;',
  '[': '&#91;',
  ']': '&#93;',
  '~': '&#126;',
  $: '&#36;',
  '#': `&#35;${ZWJ}`,
  '@': `@${ZWJ}`,
};
const SPECIAL = /[&<>"'|\\`*_[\]~$#@]/g;

/** Any value as text: nothing for null/undefined, the message of an Error, JSON for objects. */
export function toText(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (value instanceof Error) return value.message;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** Cuts `text` to at most `maxLength` code points, the last being an ellipsis when anything was cut. */
export function truncate(text: string, maxLength: number): string {
  if (maxLength < 1) return '';
  // UTF-16 length is never below the code-point count, so this spares the split for most values.
  if (text.length <= maxLength) return text;
  const points = Array.from(text);
  if (points.length <= maxLength) return text;
  return points.slice(0, maxLength - 1).join('').trimEnd() + ELLIPSIS;
}

/**
 * One line of plain text: controls and line breaks become spaces, runs of whitespace one space,
 * invisible direction controls are dropped, and the result is truncated. For logs, where a value
 * must never begin a line of its own (`::command::` would be obeyed).
 */
export function oneLine(value: unknown, maxLength = DEFAULT_MAX_LENGTH): string {
  const flat = toText(value).replace(INVISIBLE, '').replace(BREAKING, ' ').replace(/\s+/g, ' ').trim();
  return truncate(flat, maxLength);
}

/**
 * A value made inert for a markdown table cell, a list item, a heading or an HTML element's text:
 * one line, truncated, with every character that markdown, HTML, mentions or issue links react to
 * neutralised. The result is safe to interpolate anywhere except inside a code span or a URL.
 */
export function escapeMarkdown(value: unknown, maxLength = DEFAULT_MAX_LENGTH): string {
  return neutralise(oneLine(value, maxLength));
}

/** The character-level part of `escapeMarkdown`, for text that is already one line. */
function neutralise(text: string, blockStart = true): string {
  const inline = text
    .replace(SPECIAL, (c) => ENTITIES[c] ?? c)
    // `GH-123` is another spelling of an issue reference.
    .replace(/\b(GH)-(?=\d)/gi, `$1-${ZWJ}`);
  if (!blockStart) return inline;
  // Only at the start of a block do these make a list, a rule or a setext heading.
  return inline
    .replace(/^[-+=]/, (c) => `&#${c.charCodeAt(0)};`)
    .replace(/^(\d+)([.)])/, (_m, digits: string, mark: string) => `${digits}&#${mark.charCodeAt(0)};`);
}

/**
 * A message as markdown: like `escapeMarkdown`, but its `code` spans stay code spans, so the names
 * our messages quote read as code rather than as `&#96;`. Inside a code span markdown, HTML,
 * mentions and references are all inert; only a `|` (which would split a table cell) and an
 * unpaired backtick are shown escaped instead.
 */
export function escapeMessage(value: unknown, maxLength = DEFAULT_MAX_LENGTH): string {
  const parts = oneLine(value, maxLength).split('`');
  return parts
    .map((part, i) => {
      if (i % 2 === 0) return neutralise(part, i === 0);
      const closed = i < parts.length - 1;
      if (closed && part.trim() !== '' && !part.includes('|')) return `\`${part}\``;
      return `${ENTITIES['`']}${neutralise(part, false)}${closed ? ENTITIES['`'] : ''}`;
    })
    .join('');
}

/**
 * A value shown as a code span, as it is: inside a code span entities are not decoded, so escaping
 * would show them (`&#95;`). A value that could end the span or split a table cell (a backtick or a
 * `|`) is shown escaped, without the span, instead.
 */
export function codeSpan(value: unknown, maxLength = DEFAULT_MAX_LENGTH): string {
  const text = oneLine(value, maxLength);
  return text !== '' && !/[`|]/.test(text) ? `\`${text}\`` : neutralise(text, false);
}

/**
 * A key fit to sit inside an HTML comment: letters, digits, `.`, `_`, `/` and single `-` only
 * (`--` is not allowed in a comment and `-->` would end it), at most 100 characters.
 */
export function sanitizeMarkerKey(key: string): string {
  const cleaned = key
    .replace(/[^A-Za-z0-9._/-]+/g, '_')
    .replace(/-{2,}/g, '-')
    .replace(/^[-_]+|[-_]+$/g, '')
    .slice(0, 100)
    .replace(/-+$/, '');
  return cleaned === '' ? 'default' : cleaned;
}
