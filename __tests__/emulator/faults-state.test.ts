import { describe, expect, it } from 'vitest';
import type { LiveConnector } from '../../src/model.js';
import { FaultQueue, parseFaultRule } from '../../src/emulator/faults.js';
import { WorkspaceStore } from '../../src/emulator/state.js';

const connector = (name: string, type = name): LiveConnector => ({
  name,
  type,
  source: true,
  sink: false,
  lookup: false,
  properties: [],
  supportedFormats: [],
  dependencies: [],
});

describe('parseFaultRule', () => {
  it('accepts every kind and the JSON spellings of Infinity', () => {
    expect(parseFaultRule({ kind: 'reset', times: 'Infinity' })).toEqual({ kind: 'reset', times: Infinity });
    expect(parseFaultRule({ kind: 'lost-response', times: -1, namespace: 'prod' })).toEqual({ kind: 'lost-response', times: Infinity, namespace: 'prod' });
    expect(parseFaultRule({ kind: 'slow', delayMs: 5, action: 'DeleteCustomConnector' })).toEqual({ kind: 'slow', delayMs: 5, action: 'DeleteCustomConnector' });
    expect(parseFaultRule({ kind: 'business', errorCode: 'X', errorMessage: 'y', times: 3 })).toEqual({ kind: 'business', errorCode: 'X', errorMessage: 'y', times: 3 });
    expect(parseFaultRule({ kind: 'http', status: 429, code: 'Throttling', retryAfterSeconds: 1.5 })).toMatchObject({ status: 429, retryAfterSeconds: 1.5 });
  });

  it('names what is wrong', () => {
    expect(parseFaultRule(null)).toBe('a fault rule must be a JSON object');
    expect(parseFaultRule({ kind: 'reset', action: 'GetConnector' })).toMatch(/^action must be one of/);
    expect(parseFaultRule({ kind: 'reset', times: 0 })).toMatch(/^times/);
    expect(parseFaultRule({ kind: 'reset', times: 1.5 })).toMatch(/^times/);
    expect(parseFaultRule({ kind: 'http', status: 503 })).toBe('http.code must be a non-empty string');
    expect(parseFaultRule({ kind: 'business', errorCode: 'X' })).toBe('business.errorMessage must be a string');
  });
});

describe('FaultQueue', () => {
  it('gives each call the first matching rule and retires used-up rules', () => {
    const queue = new FaultQueue();
    queue.add({ kind: 'reset', namespace: 'prod', times: 2 });
    queue.add({ kind: 'slow', delayMs: 1 });
    const call = { action: 'ListCustomConnectors' as const, namespace: 'prod' };
    expect(queue.take(call)?.kind).toBe('reset');
    expect(queue.take({ ...call, namespace: 'dev' })?.kind).toBe('slow');
    expect(queue.take(call)?.kind).toBe('reset');
    expect(queue.take(call)).toBeUndefined();
    expect(queue.pending()).toEqual([]);
  });

  it('filters by workspace', () => {
    const queue = new FaultQueue();
    queue.add({ kind: 'reset', workspaceId: 'ws-1' });
    expect(queue.take({ action: 'ListCustomConnectors', namespace: 'n', workspaceId: 'ws-2' })).toBeUndefined();
    expect(queue.take({ action: 'ListCustomConnectors', namespace: 'n', workspaceId: 'ws-1' })?.kind).toBe('reset');
  });
});

describe('WorkspaceStore', () => {
  const target = { workspaceId: 'ws', namespace: 'ns' };

  it('shows a registration in list results only once its visibility time has come', () => {
    let now = 1_000;
    const store = new WorkspaceStore(() => now);
    expect(store.register(target, [connector('a')], 500)).toBeUndefined();
    expect(store.listVisible(target)).toEqual([]);
    expect(store.dump()).toEqual([{ ...target, connectors: [connector('a')], hidden: ['a'] }]);
    now = 1_500;
    expect(store.listVisible(target)).toEqual([connector('a')]);
  });

  it('registers a JAR all or nothing and refuses taken types and names', () => {
    const store = new WorkspaceStore();
    store.register(target, [connector('a', 'type-a')], 0);
    expect(store.register(target, [connector('b'), connector('c', 'type-a')], 0)?.errorCode).toBe('ConnectorTypeAlreadyExists');
    expect(store.register(target, [connector('a', 'type-z')], 0)?.errorCode).toBe('ConnectorAlreadyExists');
    expect(store.listAll(target).map((live) => live.name)).toEqual(['a']);
    // Another namespace is independent, and an ID with a slash does not collide.
    expect(store.register({ workspaceId: 'ws/ns', namespace: 'x' }, [connector('a', 'type-a')], 0)).toBeUndefined();
    expect(store.register({ workspaceId: 'ws', namespace: 'ns/x' }, [connector('a', 'type-a')], 0)).toBeUndefined();
  });

  it('seeds by name and refuses a type held under another name', () => {
    const store = new WorkspaceStore();
    store.seed(target, [connector('a', 'type-a')]);
    store.seed(target, [{ ...connector('a', 'type-a'), sink: true }]);
    expect(store.listVisible(target)).toEqual([{ ...connector('a', 'type-a'), sink: true }]);
    expect(() => store.seed(target, [connector('b', 'type-a')])).toThrow(/type 'type-a' is already held by 'a'/);
    expect(store.delete(target, 'a')).toBe(true);
    expect(store.delete(target, 'a')).toBe(false);
  });
});
