import { describe, expect, it } from 'vitest';
import { validateCatalogDocument } from '../../src/emulator/catalog.js';
import type { DesiredConnector } from '../../src/model.js';
import { deriveCatalog } from '../../src/sandbox/catalog.js';

const at = { file: 'connectors/a.yaml', line: 1 };
const desired = (d: Partial<DesiredConnector> & { name: string }): DesiredConnector => ({ target: { workspaceId: 'ws', namespace: 'ns' }, state: 'present', location: at, ...d });

describe('the sandbox catalog derived from definitions', () => {
  it('makes each JAR declare the connector its definition declares', () => {
    const catalog = deriveCatalog([
      desired({ name: 'orders', type: 'orders-kafka', jarUrl: 'oss://b/orders-1.jar', source: true, supportedFormats: ['json'] }),
      // The same JAR in another namespace is the same JAR: declared once.
      desired({ name: 'orders', type: 'orders-kafka', jarUrl: 'oss://b/orders-1.jar', target: { workspaceId: 'ws', namespace: 'other' } }),
      // Two types from one JAR: registering it registers both.
      desired({ name: 'ch-source', type: 'ch-source', jarUrl: 'oss://b/ch.jar', source: true }),
      desired({ name: 'ch-sink', type: 'ch-sink', jarUrl: 'oss://b/ch.jar', sink: true, dependencies: ['oss://b/driver.jar'] }),
      desired({ name: 'gone', state: 'absent' }),
    ]);
    expect(catalog).toEqual({
      'oss://b/orders-1.jar': [{ name: 'orders', type: 'orders-kafka', source: true, sink: false, lookup: false, supportedFormats: ['json'], dependencies: [] }],
      'oss://b/ch.jar': [
        { name: 'ch-source', type: 'ch-source', source: true, sink: false, lookup: false, supportedFormats: [], dependencies: [] },
        { name: 'ch-sink', type: 'ch-sink', source: false, sink: true, lookup: false, supportedFormats: [], dependencies: ['oss://b/driver.jar'] },
      ],
    });
    // It is a catalog the emulator accepts, in the documented format.
    expect(validateCatalogDocument({ jars: catalog }).catalog).toEqual(catalog);
  });
});
