/**
 * The emulated workspaces: connectors kept per (workspace, namespace), with the
 * rules the real service enforces (one registration per connector type in a
 * namespace) and its eventual consistency (a registration shows in list
 * results only after a delay). No HTTP here, so the rules are testable alone.
 */
import type { LiveConnector, Target } from '../model.js';
import { compareTargets, targetKey } from '../model.js';

interface StoredConnector {
  readonly connector: LiveConnector;
  /** Epoch ms from which list results include the connector. */
  readonly visibleAt: number;
}

/** A refusal the service reports as `success: false`. */
export interface BusinessError {
  readonly errorCode: string;
  readonly errorMessage: string;
}

/** Everything held for one target, for the state dump. */
export interface TargetState extends Target {
  readonly connectors: readonly LiveConnector[];
  /** Names of connectors registered but not yet visible in list results. */
  readonly hidden: readonly string[];
}

export class WorkspaceStore {
  private readonly targets = new Map<string, { target: Target; connectors: StoredConnector[] }>();

  constructor(private readonly now: () => number = Date.now) {}

  /** What a list call returns: registration order, only connectors already visible. */
  listVisible(target: Target): LiveConnector[] {
    const time = this.now();
    return this.stored(target)
      .filter((entry) => entry.visibleAt <= time)
      .map((entry) => entry.connector);
  }

  /** Every connector, visible or not. */
  listAll(target: Target): LiveConnector[] {
    return this.stored(target).map((entry) => entry.connector);
  }

  /**
   * Registers all connectors of one JAR, or none: the first connector whose
   * type (or name) is already taken in the namespace refuses the whole JAR.
   */
  register(target: Target, connectors: readonly LiveConnector[], visibilityDelayMs: number): BusinessError | undefined {
    const existing = this.stored(target).map((entry) => entry.connector);
    for (const connector of connectors) {
      if (existing.some((live) => live.type === connector.type)) {
        return {
          errorCode: 'ConnectorTypeAlreadyExists',
          errorMessage: `A connector of type '${connector.type}' is already registered in namespace '${target.namespace}'. Each connector type can be registered only once; delete it first.`,
        };
      }
      if (existing.some((live) => live.name === connector.name)) {
        return {
          errorCode: 'ConnectorAlreadyExists',
          errorMessage: `A connector named '${connector.name}' is already registered in namespace '${target.namespace}'.`,
        };
      }
    }
    const visibleAt = this.now() + visibilityDelayMs;
    this.entry(target).connectors.push(...connectors.map((connector) => ({ connector, visibleAt })));
    return undefined;
  }

  /** Removes a connector by name; false when there is none (visible or not). */
  delete(target: Target, name: string): boolean {
    const entry = this.targets.get(storeKey(target));
    const index = entry?.connectors.findIndex((stored) => stored.connector.name === name) ?? -1;
    if (entry === undefined || index < 0) return false;
    entry.connectors.splice(index, 1);
    return true;
  }

  /**
   * Puts connectors in place as if registered long ago (visible at once),
   * replacing any of the same name. A type held by another name is refused,
   * because the real service can never be in that state.
   */
  seed(target: Target, connectors: readonly LiveConnector[]): void {
    const entry = this.entry(target);
    for (const connector of connectors) {
      const clash = entry.connectors.find((stored) => stored.connector.type === connector.type && stored.connector.name !== connector.name);
      if (clash !== undefined) {
        throw new Error(`cannot seed '${connector.name}': type '${connector.type}' is already held by '${clash.connector.name}' in ${targetKey(target)}`);
      }
      const index = entry.connectors.findIndex((stored) => stored.connector.name === connector.name);
      const stored = { connector, visibleAt: 0 };
      if (index >= 0) entry.connectors[index] = stored;
      else entry.connectors.push(stored);
    }
  }

  /** Every target that has held a connector, sorted by key. */
  dump(): TargetState[] {
    const time = this.now();
    return [...this.targets.values()]
      .sort((a, b) => compareTargets(a.target, b.target))
      .map(({ target, connectors }) => ({
        workspaceId: target.workspaceId,
        namespace: target.namespace,
        connectors: connectors.map((stored) => stored.connector),
        hidden: connectors.filter((stored) => stored.visibleAt > time).map((stored) => stored.connector.name),
      }));
  }

  private stored(target: Target): StoredConnector[] {
    return this.targets.get(storeKey(target))?.connectors ?? [];
  }

  private entry(target: Target): { target: Target; connectors: StoredConnector[] } {
    const key = storeKey(target);
    let entry = this.targets.get(key);
    if (entry === undefined) {
      entry = { target: { workspaceId: target.workspaceId, namespace: target.namespace }, connectors: [] };
      this.targets.set(key, entry);
    }
    return entry;
  }
}

/** Unambiguous even when an ID contains the `/` that `targetKey` uses. */
function storeKey(target: Target): string {
  return JSON.stringify([target.workspaceId, target.namespace]);
}
