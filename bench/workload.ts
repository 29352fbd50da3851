/**
 * Synthetic but realistic workloads: declared connectors spread over namespaces, the live state a
 * workspace would hold for them, and the JAR catalog registrations need. Pure and deterministic:
 * the same arguments always give the same workload.
 */
import type { DesiredConnector, LiveConnector, RecordedConnector, Target } from '../src/model.js';
import { targetKey } from '../src/model.js';
import type { JarCatalog } from '../src/emulator/server.js';
import { RECORD_VERSION, type TargetRecord } from '../src/record/record.js';

/** What a plan of the workload should count, known by construction. */
export interface ExpectedCounts {
  readonly register: number;
  readonly replace: number;
  readonly delete: number;
  readonly unchanged: number;
}

export interface PlanWorkload {
  readonly desired: readonly DesiredConnector[];
  /** Live connectors to seed, per target, before planning. */
  readonly live: ReadonlyMap<string, { readonly target: Target; readonly connectors: readonly LiveConnector[] }>;
  readonly targets: readonly Target[];
  /** The record of applied connectors (the action keeps one by default), keyed by `targetKey`. */
  readonly records: ReadonlyMap<string, TargetRecord>;
  readonly expected: ExpectedCounts;
}

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

export const connectorName = (index: number): string => `conn-${pad(index, 5)}`;
export const jarUrlFor = (name: string): string => `oss://bench-artifacts/connectors/${name}-1.0.0.jar`;
export const namespaceName = (index: number): string => `ns-${pad(index, 3)}`;

/** The declaration of connector `index`, as a definition file would give it. */
export function declaredConnector(target: Target, index: number): DesiredConnector {
  const name = connectorName(index);
  return {
    target,
    name,
    type: name,
    jarUrl: jarUrlFor(name),
    source: true,
    sink: index % 3 !== 0,
    lookup: false,
    supportedFormats: ['json', 'avro'],
    state: 'present',
    location: { file: `connectors/${target.namespace}.yaml`, line: 1 + index * 6 },
  };
}

/** The connector the platform parses out of the declaration's JAR. */
export function liveFor(declared: DesiredConnector): LiveConnector {
  return {
    name: declared.name,
    type: declared.type ?? declared.name,
    source: declared.source ?? false,
    sink: declared.sink ?? false,
    lookup: declared.lookup ?? false,
    properties: [
      { key: 'endpoint', description: 'Where the connector connects to', required: true },
      { key: 'format', defaultValue: 'json', definesFormat: true },
    ],
    supportedFormats: [...(declared.supportedFormats ?? [])],
    dependencies: [],
  };
}

/**
 * `connectors` declarations round-robin over `namespaces` namespaces of one workspace. Most are
 * already live as declared (a steady-state repository); of every 20, one is new (register), one
 * has drifted (replace), and of every 50 one is declared `state: absent` while still live (delete).
 * Every live connector is on record as applied from its declared JAR, so nothing is adopted.
 */
export function planWorkload(workspaceId: string, connectors: number, namespaces: number): PlanWorkload {
  const targets = Array.from({ length: namespaces }, (_, i) => ({ workspaceId, namespace: namespaceName(i) }));
  const desired: DesiredConnector[] = [];
  const live = new Map<string, { target: Target; connectors: LiveConnector[] }>(
    targets.map((target) => [targetKey(target), { target, connectors: [] }]),
  );
  const recorded = new Map<string, Record<string, RecordedConnector>>(targets.map((target) => [targetKey(target), {}]));
  const counts = { register: 0, replace: 0, delete: 0, unchanged: 0 };
  for (let i = 0; i < connectors; i++) {
    const target = targets[i % namespaces] as Target;
    const declared = declaredConnector(target, i);
    const seeded = live.get(targetKey(target))?.connectors ?? [];
    const record = recorded.get(targetKey(target)) ?? {};
    if (i % 20 !== 0) record[declared.name] = { jarUrl: declared.jarUrl ?? '', type: declared.type ?? '', commit: 'c0ffee' };
    if (i % 50 === 2) {
      desired.push({ ...declared, state: 'absent' });
      seeded.push(liveFor(declared));
      counts.delete++;
    } else if (i % 20 === 0) {
      desired.push(declared);
      counts.register++;
    } else if (i % 20 === 1) {
      desired.push(declared);
      seeded.push({ ...liveFor(declared), sink: !declared.sink });
      counts.replace++;
    } else {
      desired.push(declared);
      seeded.push(liveFor(declared));
      counts.unchanged++;
    }
  }
  const records = new Map(
    targets.map((target) => {
      const key = targetKey(target);
      return [key, { version: RECORD_VERSION, scope: 'bench', targets: [], workspaceId, namespace: target.namespace, connectors: recorded.get(key) ?? {} }] as const;
    }),
  );
  return { desired, live, targets, records, expected: counts };
}

/** `count` new connectors in one target, nothing live yet. */
export function registrationWorkload(target: Target, count: number): DesiredConnector[] {
  return Array.from({ length: count }, (_, i) => declaredConnector(target, i));
}

/** One JAR per connector index below `count`, each declaring exactly the connector that index declares. */
export function benchCatalog(count: number): JarCatalog {
  const catalog: Record<string, ReturnType<typeof liveFor>[]> = {};
  const anyTarget: Target = { workspaceId: 'catalog', namespace: 'catalog' };
  for (let i = 0; i < count; i++) {
    const declared = declaredConnector(anyTarget, i);
    catalog[declared.jarUrl ?? ''] = [liveFor(declared)];
  }
  return catalog;
}
