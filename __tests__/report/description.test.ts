import { describe, expect, it } from 'vitest';
import { commentMarker, renderComment, renderSummary } from '../../src/report/markdown.js';
import { renderPlanText } from '../../src/report/text.js';
import { CONTEXT, item, makePlan } from './fixtures.js';

describe('descriptions from the definitions', () => {
  const hostile = 'Orders <script>alert(1)</script> | @someone `rm` <!-- x';
  const plan = makePlan([item('register', 'kafka-orders', { description: hostile }), item('adopt', 'mysql-cdc', { description: 'CDC source' })]);

  it('are shown in the comment and the summary, escaped', () => {
    for (const body of [renderComment({ plan, marker: commentMarker('k'), context: CONTEXT }), renderSummary({ plan, context: CONTEXT })]) {
      expect(body).toContain('CDC source');
      expect(body).toContain('Orders');
      expect(body).not.toContain('<script>');
      expect(body).not.toContain('@someone');
      expect(body).not.toContain('<!-- x');
      const row = body.split('\n').find((l) => l.includes('kafka-orders') && l.startsWith('|'));
      // Three cells (symbol, connector, change: no Type column, the type is the name): nothing in the description split the row.
      expect(row?.split(/(?<!\\)\|/).length).toBe(5);
    }
  });

  it('are shown in the log text', () => {
    expect(renderPlanText(plan)).toContain('description: CDC source');
  });
});
