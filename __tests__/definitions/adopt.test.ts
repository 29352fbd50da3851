import { describe, expect, it } from 'vitest';
import { loadDefinitions } from '../../src/definitions/validate.js';

const DEFAULTS = { workspaceId: 'ws-a', namespace: 'ns-a' };
const BASE = 'connector_name: kafka\nconnector_type: kafka\njar_url: oss://bucket/kafka.jar\n';

describe('the optional `adopt` field', () => {
  it('maps `adopt: replace` to DesiredConnector.adopt, in both forms', () => {
    const { connectors, errors } = loadDefinitions(
      [
        { path: 'one.yaml', content: `${BASE}adopt: replace\n` },
        {
          path: 'list.yaml',
          content: 'connectors:\n  - connector_name: redis\n    connector_type: redis\n    jar_url: oss://bucket/redis.jar\n    adopt: replace\n',
        },
      ],
      DEFAULTS,
    );
    expect(errors).toEqual([]);
    expect(connectors.map((c) => [c.name, c.adopt])).toEqual([
      ['kafka', 'replace'],
      ['redis', 'replace'],
    ]);
  });

  it('leaves adopt unset when the field is absent', () => {
    const { connectors, errors } = loadDefinitions([{ path: 'one.yaml', content: BASE }], DEFAULTS);
    expect(errors).toEqual([]);
    expect(connectors[0]).not.toHaveProperty('adopt');
  });

  it('rejects any other value with one message on its line', () => {
    for (const value of ['keep', 'true', '1']) {
      const { connectors, errors } = loadDefinitions([{ path: 'one.yaml', content: `${BASE}adopt: ${value}\n` }], DEFAULTS);
      expect(connectors).toEqual([]);
      expect(errors.map((e) => [e.location.line, e.message])).toEqual([[4, `\`adopt\` must be \`replace\`, found \`${value}\``]]);
    }
  });

  it('is not a file-level field', () => {
    const { errors } = loadDefinitions(
      [{ path: 'list.yaml', content: 'adopt: replace\nconnectors:\n  - connector_name: a\n    connector_type: a\n    jar_url: oss://b/a.jar\n' }],
      DEFAULTS,
    );
    expect(errors.map((e) => [e.location.line, e.message])).toEqual([[1, expect.stringContaining('`adopt` is a connector field')]]);
  });
});
