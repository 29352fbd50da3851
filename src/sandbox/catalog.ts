/**
 * The sandbox's JAR catalog when the user gives none: each JAR declares the connectors its
 * definitions declare, so the user's own JAR URLs register as written.
 */
import type { ConnectorSpec, JarCatalog } from '../emulator/catalog.js';
import type { DesiredConnector } from '../model.js';

export function deriveCatalog(desired: readonly DesiredConnector[]): JarCatalog {
  const catalog: Record<string, ConnectorSpec[]> = {};
  for (const d of desired) {
    if (d.state !== 'present' || !d.jarUrl || !d.type) continue;
    const specs = (catalog[d.jarUrl] ??= []);
    // One registration per type: the same JAR declared in two namespaces is one JAR.
    if (specs.some((s) => s.type === d.type)) continue;
    specs.push({
      name: d.name,
      type: d.type,
      source: d.source ?? false,
      sink: d.sink ?? false,
      lookup: d.lookup ?? false,
      supportedFormats: [...(d.supportedFormats ?? [])],
      dependencies: [...(d.dependencies ?? [])],
    });
  }
  return catalog;
}
