import { describe, expect, it } from 'vitest';
import { escapeMarkdown, escapeMessage, oneLine, sanitizeMarkerKey, toText, truncate } from '../../src/report/escape.js';

const ZWJ = '\u200D';

describe('escapeMarkdown', () => {
  it('keeps table cells intact: pipes become entities, line breaks become spaces', () => {
    const out = escapeMarkdown('a|b\nc\r\nd\re\u2028f');
    expect(out).not.toMatch(/[|\n\r\u2028]/);
    expect(out).toBe('a&#124;b c d e f');
  });

  it('cannot inject HTML or close our hidden comments', () => {
    const out = escapeMarkdown('<script>alert(1)</script><!-- x --> <details><summary>');
    for (const raw of ['<script', '</script', '<!--', '-->', '<details', '<summary']) expect(out).not.toContain(raw);
    expect(out).toContain('&lt;script&gt;');
    expect(out).toContain('--&gt;');
  });

  it('cannot start code, emphasis, links, strikethrough, math or quotes', () => {
    const out = escapeMarkdown('`code` *em* _em_ [link](http://x) ~~del~~ $x$ \\ "q" \'q\'');
    expect(out).not.toMatch(/[`*_[\]~$\\"']/);
    expect(out).toContain('&#96;code&#96;');
    expect(out).toContain('&#91;link&#93;');
  });

  it('does not mention people or link issues, even when entities are used to sneak them in', () => {
    const out = escapeMarkdown('ping @someone about #123 and GH-45, also &#64;other &#35;9');
    expect(out).not.toContain('@someone');
    expect(out).not.toContain('#123');
    expect(out).not.toMatch(/GH-4/);
    expect(out).toContain(`@${ZWJ}someone`);
    expect(out).toContain(`&#35;${ZWJ}123`);
    // The ampersand is escaped, so the entities show as text instead of becoming `@` and `#`.
    expect(out).toContain(`&amp;&#35;${ZWJ}64;other`);
  });

  it('does not start a heading, list, rule or quote at the start of a block', () => {
    expect(escapeMarkdown('# title')).toBe(`&#35;${ZWJ} title`);
    expect(escapeMarkdown('- item')).toBe('&#45; item');
    expect(escapeMarkdown('+ item')).toBe('&#43; item');
    expect(escapeMarkdown('=== rule')).toBe('&#61;== rule');
    expect(escapeMarkdown('> quote')).toBe('&gt; quote');
    expect(escapeMarkdown('12. item')).toBe('12&#46; item');
    expect(escapeMarkdown('3) item')).toBe('3&#41; item');
    // Only the start matters: a hyphen inside a name stays readable.
    expect(escapeMarkdown('kafka-orders')).toBe('kafka-orders');
  });

  it('drops invisible direction overrides and control characters', () => {
    expect(escapeMarkdown('abc\u202Edef\u0007g\u001b[31m')).toBe('abcdef g [31m'.replace('[', '&#91;'));
  });

  it('truncates long values with an ellipsis, before escaping so no entity is cut in half', () => {
    const out = escapeMarkdown('|'.repeat(500), 10);
    expect(out).toBe(`${'&#124;'.repeat(9)}…`);
    expect(escapeMarkdown('x'.repeat(300))).toHaveLength(256);
  });

  it('renders non-strings and missing values', () => {
    expect(escapeMarkdown(undefined)).toBe('');
    expect(escapeMarkdown(null)).toBe('');
    expect(escapeMarkdown(42)).toBe('42');
    expect(escapeMarkdown(new Error('bad <jar>'))).toBe('bad &lt;jar&gt;');
  });
});

describe('oneLine', () => {
  it('flattens a value that tries to start a workflow command on its own line', () => {
    const out = oneLine('name\n::error::pwned\r\n::stop-commands::x');
    expect(out.split('\n')).toHaveLength(1);
    expect(out).toBe('name ::error::pwned ::stop-commands::x');
  });

  it('strips terminal escapes and collapses whitespace', () => {
    expect(oneLine('  a\t\tb \u001b[2J c  ')).toBe('a b [2J c');
  });
});

describe('truncate', () => {
  it('counts code points, never splitting a surrogate pair', () => {
    const out = truncate('😀'.repeat(10), 5);
    expect(Array.from(out)).toEqual(['😀', '😀', '😀', '😀', '…']);
  });
  it('leaves short text alone and handles silly limits', () => {
    expect(truncate('abc', 3)).toBe('abc');
    expect(truncate('abcd', 3)).toBe('ab…');
    expect(truncate('abc', 0)).toBe('');
  });
});

describe('toText', () => {
  it('serialises objects and survives cycles', () => {
    expect(toText({ a: 1 })).toBe('{"a":1}');
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(toText(cyclic)).toBe('[object Object]');
  });
});

describe('sanitizeMarkerKey', () => {
  it('keeps safe keys as they are', () => {
    expect(sanitizeMarkerKey('plan/prod.yml')).toBe('plan/prod.yml');
  });
  it('cannot end or break the HTML comment it goes into', () => {
    const out = sanitizeMarkerKey('x --> <script> -- y');
    expect(out).not.toContain('--');
    expect(out).not.toMatch(/[<> ]/);
  });
  it('falls back to a default and caps the length', () => {
    expect(sanitizeMarkerKey('---')).toBe('default');
    expect(sanitizeMarkerKey('')).toBe('default');
    expect(sanitizeMarkerKey('a'.repeat(500)).length).toBeLessThanOrEqual(100);
  });
});

describe('escapeMessage', () => {
  it('keeps code spans as code and escapes the text around them', () => {
    expect(escapeMessage('unknown key `conector_type`; did you mean `connector_type`?')).toBe(
      'unknown key `conector_type`; did you mean `connector_type`?',
    );
    expect(escapeMessage('`a*b` is <b>bold</b> @team')).toBe(`\`a*b\` is &lt;b&gt;bold&lt;/b&gt; @\u200Dteam`);
  });

  it('leaves what a code span cannot hold escaped: a pipe, an unpaired backtick, an empty span', () => {
    expect(escapeMessage('`a|b` and `c')).toBe('&#96;a&#124;b&#96; and &#96;c');
    expect(escapeMessage('x `` y')).toBe('x &#96;&#96; y');
  });

  it('is one line and truncated like escapeMarkdown', () => {
    expect(escapeMessage('- `a`\n# b', 100)).toBe('&#45; `a` &#35;\u200D b');
    expect(escapeMessage('`abcdef`', 4)).toBe('&#96;ab…');
  });
});
