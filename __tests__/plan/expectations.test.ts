import { describe, expect, it } from 'vitest';
import type { DesiredConnector, LiveConnector, Target } from '../../src/model.js';
import { targetKey } from '../../src/model.js';
import { expectationFailures, expectationRefusal } from '../../src/plan/expectations.js';
import { buildPlan } from '../../src/plan/plan.js';
import type { TargetRecord } from '../../src/record/record.js';
import { aLiveConnector } from '../support/connectors.js';

const ws: Target = { workspaceId: 'ws-1', namespace: 'default' };
const JAR = 'oss://bucket/kafka-1.jar';

const desired = (extra: Partial<DesiredConnector> = {}): DesiredConnector => ({
  target: ws,
  name: 'kafka',
  type: 'kafka',
  jarUrl: JAR,
  state: 'present',
  location: { file: 'connectors/kafka.yaml', line: 1 },
  expectationLines: { connector_type: 2, supported_formats: 4, sink: 5 },
  ...extra,
});

const live = (extra: Partial<LiveConnector> = {}): LiveConnector => aLiveConnector({ name: 'kafka', type: 'kafka', supportedFormats: ['json'], ...extra });

const records = (jarUrl: string, type = 'kafka'): Map<string, TargetRecord> =>
  new Map([[targetKey(ws), { version: 1 as const, scope: 'test', targets: [], workspaceId: ws.workspaceId, namespace: ws.namespace, connectors: { kafka: { jarUrl, type, commit: 'c0' } } }]]);

const planOf = (d: DesiredConnector, l: LiveConnector, r?: Map<string, TargetRecord>) => buildPlan([d], new Map([[targetKey(ws), [l]]]), { prune: false, records: r });

describe('expectationFailures', () => {
  it('names each contradicted key on its line when the recorded JAR is the declared one', () => {
    const plan = planOf(desired({ supportedFormats: ['json', 'avro'], sink: true }), live(), records(JAR));
    expect(expectationFailures(plan)).toEqual([
      { target: ws, name: 'kafka', location: { file: 'connectors/kafka.yaml', line: 5 }, message: 'kafka in ws-1/default: `sink`: the JAR provides false; the definition declares true; change the JAR or the definition' },
      { target: ws, name: 'kafka', location: { file: 'connectors/kafka.yaml', line: 4 }, message: 'kafka in ws-1/default: `supported_formats`: the JAR provides json; the definition declares json, avro; change the JAR or the definition' },
    ]);
    expect(expectationRefusal(plan)).toContain('2 declared expectations are not met');
    expect(expectationRefusal(plan)).toContain('(connectors/kafka.yaml:4)');
  });

  it('leaves a changed JAR, an unknown JAR, no record, and a type changed by hand to the replace', () => {
    const formats = desired({ supportedFormats: ['json', 'avro'] });
    expect(expectationFailures(planOf(formats, live(), records('oss://bucket/kafka-0.jar')))).toEqual([]);
    expect(expectationFailures(planOf(formats, live(), records('oss://jar-url-unknown/kafka.jar')))).toEqual([]);
    expect(expectationFailures(planOf(formats, live(), undefined))).toEqual([]);
    const byHand = planOf(desired(), live({ type: 'kafka-by-hand' }), records(JAR));
    expect(byHand.counts.replace).toBe(1);
    expect(expectationFailures(byHand)).toEqual([]);
  });

  it('reads a contradicted connector_type on its line when the live type is still the recorded one', () => {
    const plan = planOf(desired({ type: 'kafak' }), live(), records(JAR, 'kafka'));
    expect(expectationFailures(plan).map((f) => [f.location.line, f.message])).toEqual([[2, 'kafka in ws-1/default: `connector_type`: the JAR provides kafka; the definition declares kafak; change the JAR or the definition']]);
  });

  it('finds nothing in a plan without contradictions', () => {
    expect(expectationRefusal(planOf(desired({ supportedFormats: ['json'] }), live(), records(JAR)))).toBeUndefined();
  });
});
