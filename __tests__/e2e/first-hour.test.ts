/** Paper cuts a new user meets in the first hour, through the bundle. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type World, startWorld } from '../support/world.js';

describe('the invalid-definitions summary', () => {
  let world: World;
  beforeEach(async () => {
    world = await startWorld();
  });
  afterEach(async () => {
    await world.close();
  });

  it('shows the names a message quotes as code, not as `&#96;`', async () => {
    await world.write({ 'connectors/c.yaml': 'connector_name: kafka\nconector_type: kafka\njar_url: oss://b/k.jar\n' });
    const run = await world.plan();
    expect(run.exitCode).toBe(1);
    expect(run.summary).toContain('unknown key `conector_type`; did you mean `connector_type`?');
    expect(run.summary).not.toContain('&#96;');
  });

  it('stays within GitHub’s 1 MiB and says how many errors are not listed', async () => {
    const items = Array.from({ length: 12_000 }, (_, i) => `  - item-${i}\n`).join('');
    await world.write({ 'connectors/many.yaml': `connectors:\n${items}` });
    const run = await world.plan();
    expect(run.exitCode).toBe(1);
    expect(run.summary).toContain('12000 problems found');
    expect(Buffer.byteLength(run.summary, 'utf8')).toBeLessThanOrEqual(1_048_576);
    const shown = run.summary.split('\n').filter((l) => l.startsWith('- `connectors/many.yaml:')).length;
    expect(shown).toBeGreaterThan(1_000);
    expect(run.summary).toContain(`- … and ${12_000 - shown} more`);
  });
});
