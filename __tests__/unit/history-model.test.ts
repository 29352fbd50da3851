/** The pure model behind the randomized histories: what each operation makes of the definitions. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyChoice, definitionFiles, expectedIn, historyArb, resolveHistory, touchedBy, type Definitions } from '../support/history-model.js';
import { JARS } from '../support/world.js';

const kafka: Definitions = { 'kafka-orders': { namespace: 'default', jar: JARS.kafkaV1 } };

describe('the history model', () => {
  it('an operation with nothing to act on falls through to one that has: the first step always adds', () => {
    const { defs, says } = applyChoice({}, { kind: 'bump', pick: 3, variant: 1 });
    expect(Object.keys(defs)).toHaveLength(1);
    expect(says).toMatch(/^add /);
  });

  it('a bump changes the JAR only, a move the namespace only', () => {
    expect(applyChoice(kafka, { kind: 'bump', pick: 0, variant: 0 }).defs['kafka-orders']).toEqual({ namespace: 'default', jar: JARS.kafkaV2 });
    expect(applyChoice(kafka, { kind: 'move', pick: 0, variant: 0 }).defs['kafka-orders']).toEqual({ namespace: 'staging', jar: JARS.kafkaV1 });
  });

  it('a removal deletes the file or declares state: absent; the last definition is never a deleted file', () => {
    const two: Definitions = { ...kafka, 'http-lookup': { namespace: 'default', jar: JARS.http } };
    expect(applyChoice(two, { kind: 'remove', pick: 0, variant: 0 }).defs).toEqual({ 'http-lookup': { namespace: 'default', jar: JARS.http } });
    // No file left would be refused (no file matched `definitions`): the last one says state: absent.
    expect(applyChoice(kafka, { kind: 'remove', pick: 0, variant: 0 }).defs['kafka-orders']?.absent).toBe(true);
    const absent = applyChoice(kafka, { kind: 'remove', pick: 0, variant: 1 }).defs;
    expect(expectedIn(absent, 'default')).toEqual([]);
    expect(definitionFiles(absent)['connectors/kafka-orders.yaml']).toContain('state: absent');
  });

  it('a move touches the connector in both namespaces, and nothing else', () => {
    const before: Definitions = { ...kafka, 'http-lookup': { namespace: 'default', jar: JARS.http } };
    const after = applyChoice(before, { kind: 'move', pick: 0, variant: 0 }).defs;
    expect([...touchedBy({ before, after })].sort()).toEqual(['default/kafka-orders', 'staging/kafka-orders']);
  });

  it('a step whose changes cancel out touches nothing', () => {
    const moved = applyChoice(kafka, { kind: 'move', pick: 0, variant: 0 }).defs;
    const back = applyChoice(moved, { kind: 'move', pick: 0, variant: 0 }).defs;
    expect(touchedBy({ before: kafka, after: back }).size).toBe(0);
  });

  it('the same seed gives the same history', () => {
    const arb = historyArb({ minSteps: 2, maxSteps: 4, maxOperations: 2, maxFaults: 2 });
    const one = fc.sample(arb, { seed: 42, numRuns: 3 });
    expect(fc.sample(arb, { seed: 42, numRuns: 3 })).toEqual(one);
    expect(resolveHistory(one[0] ?? []).map((s) => s.says)).toEqual(resolveHistory(one[0] ?? []).map((s) => s.says));
  });
});
