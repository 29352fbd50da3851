import { describe, expect, it } from 'vitest';
import type { DefinitionError } from '../../src/model.js';
import { renderDefinitionErrors, renderRefusedApply } from '../../src/report/summaries.js';
import { bigPlan } from './fixtures.js';

const bytes = (text: string): number => Buffer.byteLength(text, 'utf8');
const error = (i: number): DefinitionError => ({
  message: `connector \`c${i}\`: missing required field \`jar_url\` ${'x'.repeat(i % 50)}`,
  location: { file: `connectors/f${i}.yaml`, line: i + 1 },
});

describe('the definition-errors summary', () => {
  it('lists every error when they fit, with code shown as code', () => {
    const text = renderDefinitionErrors([error(1), error(2)]);
    expect(text).toContain('2 problems found; nothing was sent to the API.');
    expect(text).toContain('- `connectors/f1.yaml:2`: connector `c1`: missing required field `jar_url`');
    expect(text).not.toContain('&#96;');
    expect(text).not.toContain('more');
  });

  it('shows a file path as code as it is: no entity inside the code span', () => {
    const text = renderDefinitionErrors([{ message: 'bad', location: { file: 'connectors/team_b/kafka_orders.yaml', line: 3 } }]);
    expect(text).toContain('- `connectors/team_b/kafka_orders.yaml:3`: bad');
    // A path that could end the code span early is shown escaped instead, never raw.
    const odd = renderDefinitionErrors([{ message: 'bad', location: { file: 'connectors/a`b|c.yaml', line: 1 } }]);
    expect(odd).not.toContain('a`b');
    expect(odd).not.toContain('b|c');
  });

  it.each([2_000, 10_000, 50_000])('stays within %i bytes and says how many more there are', (limit) => {
    const errors = Array.from({ length: 3_000 }, (_, i) => error(i));
    const text = renderDefinitionErrors(errors, limit);
    expect(bytes(text)).toBeLessThanOrEqual(limit);
    const shown = text.split('\n').filter((l) => l.startsWith('- `')).length;
    expect(shown).toBeGreaterThan(0);
    expect(text).toContain(`- … and ${errors.length - shown} more`);
  });

  it('stays within GitHub’s 1 MiB by default', () => {
    const errors = Array.from({ length: 20_000 }, (_, i) => error(i));
    expect(bytes(renderDefinitionErrors(errors))).toBeLessThanOrEqual(1_048_576);
  });
});

describe('the refused-apply summary', () => {
  it('stays within the limit including its header', () => {
    const plan = bigPlan(2_000, 1);
    const message = `The plan differs from the one reviewed: ${'`c` '.repeat(1_000)}`;
    const limitBytes = 60_000;
    const text = renderRefusedApply(message, { plan, context: { sha: 'a'.repeat(40), time: new Date(0) }, limitBytes });
    expect(text.startsWith('### Flink connectors: apply refused')).toBe(true);
    expect(text).toContain('not shown');
    expect(bytes(text)).toBeLessThanOrEqual(limitBytes);
  });
});
