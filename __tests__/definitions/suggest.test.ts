import { describe, expect, it } from 'vitest';
import { SUGGEST_MAX_LENGTH, closest, editDistance, suggestKey } from '../../src/definitions/suggest.js';

describe('editDistance', () => {
  it.each([
    ['', '', 0],
    ['abc', '', 3],
    ['kitten', 'sitting', 3],
    ['conector_type', 'connector_type', 1],
    ['connetcor', 'connector', 1], // one swap
    ['jar_url', 'jar_url', 0],
  ])('%s → %s is %i', (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
    expect(editDistance(b, a)).toBe(d);
  });
});

describe('closest', () => {
  const keys = ['connector_name', 'connector_type', 'jar_url', 'source', 'sink', 'state'];
  it.each([
    ['conector_type', 'connector_type'],
    ['connector-name', 'connector_name'],
    ['JAR_URL', 'jar_url'],
    ['sinks', 'sink'],
    ['stat', 'state'],
  ])('%s → %s', (word, expected) => {
    expect(closest(word, keys)).toBe(expected);
  });

  it('suggests nothing for unrelated words', () => {
    expect(closest('owner', keys)).toBeUndefined();
    expect(closest('x', keys)).toBeUndefined();
  });
});

describe('suggestKey: bounded cost', () => {
  it('looks for no suggestion for a key longer than SUGGEST_MAX_LENGTH, and answers at once for a huge one', () => {
    expect(suggestKey(`connector_typ${'e'.repeat(SUGGEST_MAX_LENGTH)}`, ['connector_type'])).toBeUndefined();
    const started = Date.now();
    expect(suggestKey('k'.repeat(1024 * 1024), ['connector_type', 'connector_name'])).toBeUndefined();
    expect(Date.now() - started).toBeLessThan(100);
  });
});
