/**
 * What a reviewer reads, end to end through the bundle: a new connector's declared offer, a JAR
 * change as a short diff, the tables of a deleted connector named once, a comment that never keeps
 * a stale plan after an invalid push, the `Plan:` and `Apply:` lines outside collapsed log groups,
 * and an unmanaged connector mentioned once in the log.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunResult } from '../../scripts/local-runner.js';
import { botComments, liveConnector } from '../support/pr-helpers.js';
import { sha } from '../support/record.js';
import { JARS, NS, WS, type World, connectorYaml, startWorld } from '../support/world.js';

let world: World;

beforeAll(async () => {
  world = await startWorld();
});

afterAll(async () => {
  await world.close();
});

const comment = (pr: number): string => botComments(world.github, pr).at(-1)?.body ?? '';
const ok = (run: RunResult): void => expect(run.exitCode, run.stdout).toBe(0);

/** The log lines outside any `::group::` … `::endgroup::`. */
function ungrouped(stdout: string): string[] {
  let depth = 0;
  const lines: string[] = [];
  for (const line of stdout.split('\n')) {
    if (line.startsWith('::group::')) depth++;
    else if (line.startsWith('::endgroup::')) depth--;
    else if (depth === 0) lines.push(line);
  }
  return lines;
}

const kafka = (jarUrl: string): string =>
  connectorYaml({ connector_name: 'kafka-orders', connector_type: 'kafka-orders', jar_url: jarUrl, source: true, sink: true, supported_formats: ['json', 'avro'] });

describe('a connector’s life as a reviewer reads it', () => {
  it('a new connector shows what its JAR is declared to provide; the Plan line is outside the log groups', async () => {
    await world.write({ 'connectors/kafka.yaml': kafka(JARS.kafkaV1) });
    world.emulator.seed(WS, NS, [liveConnector({ name: 'hand-made' })]);
    const run = await world.plan({ pr: 601 });
    ok(run);
    expect(comment(601)).toContain('Provides: source, sink · formats: json, avro');
    expect(ungrouped(run.stdout)).toContain('Plan: 1 to register, 0 to replace, 0 to delete.');
    expect(run.stdout.split('\n').filter((l) => l.includes('hand-made')), run.stdout).toHaveLength(1);
  });

  it('a JAR change reads as a short diff, the full URLs in the details', async () => {
    ok(await world.apply({ sha: sha('1') }));
    await world.write({ 'connectors/kafka.yaml': kafka(JARS.kafkaV2) });
    const run = await world.plan({ pr: 602 });
    ok(run);
    const body = comment(602);
    expect(body).toContain(`<details><summary>JAR: kafka-orders-1.0.0.jar -&gt; kafka-orders-2.0.0.jar</summary>${JARS.kafkaV1} -&gt; ${JARS.kafkaV2}</details>`);
    expect(body).not.toContain('jar&#95;url: recorded');
    expect(body).not.toContain('| Type |');
  });

  it('after a delete, the tables built on it appear once; the Apply line is outside the log groups', async () => {
    await world.write({ 'connectors/kafka.yaml': connectorYaml({ connector_name: 'kafka-orders', state: 'absent' }) });
    const run = await world.apply({ sha: sha('2') });
    ok(run);
    expect(run.summary.match(/built on it/gi)).toHaveLength(1);
    expect(run.summary).toContain('vvp.default.orders&#95;source');
    expect(ungrouped(run.stdout)).toContain('Apply: 1 done, 0 failed, 0 skipped.');
  });
});

describe('an invalid push', () => {
  it('replaces the plan in the PR comment with the problems, capped', async () => {
    await world.write({ 'connectors/kafka.yaml': kafka(JARS.kafkaV1) });
    ok(await world.plan({ pr: 603, inputs: { namespace: 'ns-invalid' } }));
    expect(comment(603)).toContain('Plan: 1 to register');

    const broken = Array.from({ length: 25 }, (_, i) => `---\nconnector_name: bad name ${i}\nconnector_type: x\njar_url: oss://b/x.jar\n`).join('');
    await world.write({ 'connectors/kafka.yaml': broken });
    const run = await world.plan({ pr: 603, inputs: { namespace: 'ns-invalid' } });
    expect(run.exitCode).toBe(1);
    const comments = botComments(world.github, 603);
    expect(comments).toHaveLength(1);
    const body = comments[0]?.body ?? '';
    expect(body).toContain('no plan was made and nothing was sent to the API');
    expect(body).not.toContain('Plan: 1 to register');
    expect(body).toContain('`connectors/kafka.yaml:2`');
    expect(body.match(/^- `connectors\/kafka\.yaml:\d+`/gm)?.length).toBe(20);
    expect(body).toMatch(/- … and \d+ more \(see the annotations and the job summary\)/);
    // Code in the messages reads as code, as in the job summary; no plan was made, so the title says none; the run is linked.
    expect(body).not.toContain('&#96;');
    expect(body).toMatch(/^- `connectors\/kafka\.yaml:2`: .*`[^`]+`/m);
    expect(body).toMatch(/^### Flink connectors: invalid definitions/m);
    expect(body).not.toMatch(/^###.*\bplan\b/m);
    expect(body).toMatch(/\[workflow run\]\(https:\/\/github\.com\/[^)]+\/actions\/runs\/\d+\)/);
  });
});
