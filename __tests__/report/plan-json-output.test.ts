import { describe, expect, it } from 'vitest';
import { planJsonOutput, planToJson } from '../../src/report/plan-json.js';
import { bigPlan } from './fixtures.js';

describe('planJsonOutput', () => {
  it('is the whole plan when it fits', () => {
    const plan = bigPlan(50, 2, ['register', 'unchanged']);
    expect(JSON.parse(planJsonOutput(plan))).toEqual(planToJson(plan));
    expect(JSON.parse(planJsonOutput(plan)).truncated).toBe(false);
  });

  it('stays under the limit for a huge plan, keeping the summary and saying it was cut', () => {
    const plan = bigPlan(20_000, 40, ['register', 'unchanged', 'delete']);
    const full = JSON.stringify(planToJson(plan));
    const text = planJsonOutput(plan, 200_000);
    expect(full.length).toBeGreaterThan(200_000);
    expect(text.length).toBeLessThanOrEqual(200_000);
    const json = JSON.parse(text) as ReturnType<typeof planToJson>;
    expect(json.truncated).toBe(true);
    expect(json.summary).toEqual(planToJson(plan).summary);
    expect(json.hasChanges).toBe(true);
  });

  it('drops the unchanged names before anything else', () => {
    const plan = bigPlan(3_000, 3, ['register', 'unchanged']);
    const full = planToJson(plan);
    const withoutNames = JSON.stringify({ ...full, truncated: true, targets: full.targets.map((t) => ({ ...t, unchanged: [], unmanaged: [] })) });
    const json = JSON.parse(planJsonOutput(plan, withoutNames.length)) as ReturnType<typeof planToJson>;
    expect(json.targets.every((t) => t.unchanged.length === 0)).toBe(true);
    expect(json.targets.flatMap((t) => t.changes)).toHaveLength(full.targets.flatMap((t) => t.changes).length);
    expect(json.targets.flatMap((t) => t.changes).every((c) => c.reason !== '')).toBe(true);
  });
});
