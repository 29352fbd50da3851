import { describe, expect, it } from 'vitest';
import { MAX_ALIAS_EXPANSION, parseDocuments, pointerSegment } from '../../src/definitions/parse.js';

describe('parseDocuments', () => {
  it('maps every value and key to its line and column', () => {
    const text = '# head\nname: a\nlist:\n  - x\n  - {y: 1, "a/b": true}\nempty:\n';
    const { documents, issues } = parseDocuments(text);
    expect(issues).toEqual([]);
    expect(documents).toHaveLength(1);
    const doc = documents[0]!;
    expect(doc.value).toEqual({ name: 'a', list: ['x', { y: 1, 'a/b': true }], empty: null });
    expect(doc.start).toEqual({ line: 2, column: 1 });
    expect(doc.locations.get('/name')).toEqual({ key: { line: 2, column: 1 }, value: { line: 2, column: 7 } });
    expect(doc.locations.get('/list')).toEqual({ key: { line: 3, column: 1 }, value: { line: 4, column: 3 } });
    expect(doc.locations.get('/list/1')?.value).toEqual({ line: 5, column: 5 });
    expect(doc.locations.get('/list/1/a~1b')).toEqual({ key: { line: 5, column: 12 }, value: { line: 5, column: 19 } });
    // An empty value is reported at its key.
    expect(doc.locations.get('/empty')?.value).toEqual({ line: 6, column: 1 });
  });

  it('reads several documents, empty ones as null', () => {
    const { documents } = parseDocuments('a: 1\n---\n---\nb: 2\n');
    expect(documents.map((d) => d.value)).toEqual([{ a: 1 }, null, { b: 2 }]);
    expect(documents[2]?.start.line).toBe(4);
  });

  it('uses YAML 1.2 core types: dates, yes/no and on/off stay strings', () => {
    const { documents } = parseDocuments('d: 2024-01-01\ny: yes\no: off\nt: true\nn: 12\nf: 1.5\nz: ~\nq: "12"\n');
    expect(documents[0]?.value).toEqual({ d: '2024-01-01', y: 'yes', o: 'off', t: true, n: 12, f: 1.5, z: null, q: '12' });
  });

  it('takes keys as written', () => {
    const { documents } = parseDocuments('1.0: a\ntrue: b\nnull: c\n');
    expect(Object.keys(documents[0]?.value as object)).toEqual(['1.0', 'true', 'null']);
  });

  it('keeps `__proto__` as a plain key', () => {
    const { documents } = parseDocuments('__proto__: {polluted: true}\n');
    const value = documents[0]?.value as Record<string, unknown>;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('accepts the standard JSON-like tags and resolves them', () => {
    const { documents, issues } = parseDocuments('a: !!str 12\nb: !!int "7"\nc: !!bool true\nd: !!seq [x]\ne: ! 5\n');
    expect(issues).toEqual([]);
    expect(documents[0]?.value).toEqual({ a: '12', b: 7, c: true, d: ['x'], e: '5' });
  });

  it('refuses other tags, on the tag', () => {
    const { issues } = parseDocuments('a: !!set {x: null}\nb: !custom x\nc: !!int abc\n');
    expect(issues.map((i) => [i.position.line, i.message])).toEqual([
      [1, expect.stringContaining('tag `!!set` is not supported')],
      [2, expect.stringContaining('tag `!custom` is not supported')],
      [3, '`abc` is not a valid `!!int` value'],
    ]);
  });

  it('reports a duplicate key on its second occurrence and keeps the first value', () => {
    const { documents, issues } = parseDocuments('a: 1\nb: 2\na: 3\n');
    expect(issues).toEqual([
      { message: 'duplicate key `a`: already defined at line 1 of this mapping; remove one', position: { line: 3, column: 1 } },
    ]);
    expect(documents[0]?.value).toEqual({ a: 1, b: 2 });
  });

  it('allows keys repeated in different mappings', () => {
    expect(parseDocuments('- a: 1\n- a: 2\n').issues).toEqual([]);
  });

  it('expands small aliases, pointing the alias at its own place', () => {
    const { documents, issues } = parseDocuments('a: &x [1, 2]\nb: *x\n');
    expect(issues).toEqual([]);
    expect(documents[0]?.value).toEqual({ a: [1, 2], b: [1, 2] });
    expect(documents[0]?.locations.get('/b')?.value).toEqual({ line: 2, column: 4 });
  });

  it('refuses a document whose aliases expand too far, quickly', () => {
    const levels = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 9; i++) levels.push(`l${i}: &l${i} [${Array(10).fill(i === 1 ? '*a' : `*l${i - 1}`).join(', ')}]`);
    const started = Date.now();
    const { documents, issues } = parseDocuments(`${levels.join('\n')}\n---\nok: 1\n`);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(issues).toHaveLength(1);
    expect(issues[0]?.message).toContain(`beyond ${MAX_ALIAS_EXPANSION} values`);
    // The other document is still read.
    expect(documents.map((d) => d.value)).toEqual([{ ok: 1 }]);
  });

  it('returns a syntax error with the line js-yaml reports, and no documents', () => {
    const { documents, issues } = parseDocuments('a: 1\nb: [1, 2\n');
    expect(documents).toEqual([]);
    expect(issues).toHaveLength(1);
    expect(issues[0]?.message).toMatch(/^invalid YAML: /);
    expect(issues[0]?.position.line).toBe(3);
  });

  it('refuses very deep nesting as a syntax error', () => {
    const { issues } = parseDocuments(`${'['.repeat(200)}${']'.repeat(200)}`);
    expect(issues[0]?.message).toContain('maxDepth');
  });
});

describe('pointerSegment', () => {
  it('escapes ~ and / as RFC 6901 says', () => {
    expect(pointerSegment('a~b/c')).toBe('a~0b~1c');
    expect(pointerSegment(3)).toBe('3');
  });
});

describe('parseDocuments: where scalars start', () => {
  it('points at the opening quote and at a block header', () => {
    const { documents } = parseDocuments("q: 'a'\nd: \"b\"\nk: |  # text\n  text\n  more\nf: >-\n  x\n");
    const at = (p: string): unknown => documents[0]?.locations.get(p)?.value;
    expect(at('/q')).toEqual({ line: 1, column: 4 });
    expect(at('/d')).toEqual({ line: 2, column: 4 });
    expect(at('/k')).toEqual({ line: 3, column: 4 });
    expect(at('/f')).toEqual({ line: 6, column: 4 });
    expect(documents[0]?.value).toEqual({ q: 'a', d: 'b', k: 'text\nmore\n', f: 'x' });
  });
});
