import { describe, expect, it } from 'vitest';
import { closest, editDistance } from '../../src/definitions/suggest.js';

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
