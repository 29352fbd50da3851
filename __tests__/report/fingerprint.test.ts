import { describe, expect, it } from 'vitest';
import { planFingerprint } from '../../src/report/fingerprint.js';
import { WS1_ANALYTICS, item, makePlan } from './fixtures.js';

const base = [item('register', 'kafka'), item('delete', 'old', { target: WS1_ANALYTICS }), item('unchanged', 'mysql')];

describe('planFingerprint', () => {
  const fp = planFingerprint(makePlan(base));

  it('is a hex sha256', () => {
    expect(fp).toMatch(/^[0-9a-f]{64}$/);
  });

  it('ignores wording, order, live-only fields and the unchanged/unmanaged lists', () => {
    const noisy = makePlan([
      item('unmanaged', 'stray'),
      item('unchanged', 'other'),
      item('delete', 'old', { target: WS1_ANALYTICS, reason: 'reworded', live: { name: 'old', type: 'old', source: true, sink: false, lookup: false, properties: [], supportedFormats: [], dependencies: [], creator: 'someone', modifier: 'else' } }),
      item('register', 'kafka', { reason: 'different words', description: 'new description', differences: ['x'] }),
    ]);
    expect(planFingerprint(noisy)).toBe(fp);
    const reversed = makePlan(base);
    expect(planFingerprint({ ...reversed, targets: [...reversed.targets].reverse() })).toBe(fp);
  });

  it('changes when what would be applied changes', () => {
    const variants = [
      [item('register', 'kafka', { jarUrl: 'oss://bucket/other.jar' }), base[1], base[2]],
      [item('register', 'kafka', { type: 'kafka-2' }), base[1], base[2]],
      [item('replace', 'kafka'), base[1], base[2]],
      [item('register', 'kafka2'), base[1], base[2]],
      [item('register', 'kafka', { target: WS1_ANALYTICS }), base[1], base[2]],
      [base[0], base[2]],
    ];
    const prints = variants.map((v) => planFingerprint(makePlan(v.filter((i) => i !== undefined))));
    for (const p of prints) expect(p).not.toBe(fp);
    expect(new Set(prints).size).toBe(prints.length);
  });
});
