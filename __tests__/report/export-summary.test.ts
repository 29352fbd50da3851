import { describe, expect, it } from 'vitest';
import { exportReport } from '../../src/export/report.js';

describe('the export summary', () => {
  it('shows the directory and each file as code as they are: no entity inside a code span', () => {
    const target = { workspaceId: 'ws_1', namespace: 'ns_a' };
    const file = { path: 'ws_1/ns_a/kafka_orders.yaml', content: '', connector: 'kafka_orders', target, jarKnown: false };
    const { summary } = exportReport([file], 'connectors/exported_defs', [target]);
    expect(summary).toContain('exported to `connectors/exported_defs/`.');
    expect(summary).toContain('| `ws_1/ns_a/kafka_orders.yaml` |');
  });
});
