import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { explain, latestRecord, planLineOf, sha } from '../support/record.js';
import { GITHUB_TOKEN, JARS, NS, OWNER, REPO, WS, type World, connectorYaml, startWorld } from '../support/world.js';

const KEY = 'connectors';
const SIGNATURE = 'OldSig0123456789abcdefSIG';
const KEY_ID = 'LTAIoldPresignKey42';
/** What a record written before pre-signed URLs were refused may still hold. */
const SIGNED = `${JARS.kafkaV1}?OSSAccessKeyId=${KEY_ID}&Expires=1700000000&Signature=${SIGNATURE}`;

const kafka = (jarUrl: string): string => connectorYaml({ connector_name: 'kafka-orders', connector_type: 'kafka-orders', jar_url: jarUrl });

/** Everything a run shows: log, summary, outputs and the PR's comments. */
function shown(world: World, run: { stdout: string; stderr: string; summary: string; outputs: Record<string, string> }): string {
  const comments = world.github.comments(OWNER, REPO, 7).map((c) => c.body);
  return [run.stdout, run.stderr, run.summary, JSON.stringify(run.outputs), ...comments].join('\n');
}

describe('a pre-signed JAR URL already in an old record is never shown', () => {
  let world: World;

  beforeAll(async () => {
    world = await startWorld();
    await world.write({ 'connectors/kafka.yaml': kafka(JARS.kafkaV1) });
    const run = await world.apply({ sha: sha('1'), inputs: { 'comment-key': KEY } });
    if (run.exitCode !== 0) throw new Error(explain(run));
    // The same record, as an older version of the action would have written it.
    const payload = latestRecord(world).payload as { connectors: Record<string, { jarUrl: string }> };
    payload.connectors['kafka-orders']!.jarUrl = SIGNED;
    const response = await fetch(`${world.github.url}/repos/${OWNER}/${REPO}/deployments`, {
      method: 'POST',
      headers: { authorization: `token ${GITHUB_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ ref: sha('2'), environment: `flink-connectors/${WS}/${NS}`, task: 'flink-connectors', payload, required_contexts: [], auto_merge: false }),
    });
    if (!response.ok) throw new Error(`seeding the old record: HTTP ${response.status}`);
  });

  afterAll(async () => {
    await world.close();
  });

  it('plan: the difference names the recorded JAR without its query credentials', async () => {
    const run = await world.plan({ inputs: { 'comment-key': KEY } });
    expect(run.exitCode, explain(run)).toBe(0);
    expect(planLineOf(run)).toBe('Plan: 0 to register, 1 to replace, 0 to delete.');
    expect(run.stdout).toContain(`jar_url: recorded ${JARS.kafkaV1}?`);
    const all = shown(world, run);
    expect(all).not.toContain(SIGNATURE);
    expect(all).not.toContain(KEY_ID);
  });

  it('export: the written file carries no query credentials', async () => {
    await world.remove('connectors/kafka.yaml');
    const run = await world.plan({ inputs: { command: 'export', 'comment-key': KEY, definitions: 'connectors/exported/**/*.yaml' } });
    expect(run.exitCode, explain(run)).toBe(0);
    const file = await readFile(join(world.repo, `connectors/exported/${WS}/${NS}/kafka-orders.yaml`), 'utf8');
    expect(file).toContain(`jar_url: ${JARS.kafkaV1}?`);
    expect(file).not.toContain(SIGNATURE);
    expect(file).not.toContain(KEY_ID);
    expect(shown(world, run)).not.toContain(SIGNATURE);
  });
});

describe('a token in a JAR URL already in an old record is never shown nor stored again', () => {
  let world: World;
  const TOKEN = 'glpat-OldRecordToken0123456789';
  const FRAGMENT = 'fragmentAccessToken42';
  const WITH_TOKEN = `${JARS.http}?private_token=${TOKEN}#access_token=${FRAGMENT}`;

  beforeAll(async () => {
    world = await startWorld();
    await world.write({ 'connectors/kafka.yaml': kafka(JARS.kafkaV1) });
    const run = await world.apply({ sha: sha('1'), inputs: { 'comment-key': KEY } });
    if (run.exitCode !== 0) throw new Error(explain(run));
    const payload = latestRecord(world).payload as { connectors: Record<string, { jarUrl: string }> };
    payload.connectors['kafka-orders']!.jarUrl = WITH_TOKEN;
    const response = await fetch(`${world.github.url}/repos/${OWNER}/${REPO}/deployments`, {
      method: 'POST',
      headers: { authorization: `token ${GITHUB_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ ref: sha('2'), environment: `flink-connectors/${WS}/${NS}`, task: 'flink-connectors', payload, required_contexts: [], auto_merge: false }),
    });
    if (!response.ok) throw new Error(`seeding the old record: HTTP ${response.status}`);
  });

  afterAll(async () => {
    await world.close();
  });

  it('plan (log, comment, plan-json) and the next apply and its record carry neither the token nor the fragment', async () => {
    const plan = await world.plan({ inputs: { 'comment-key': KEY } });
    expect(plan.exitCode, explain(plan)).toBe(0);
    expect(plan.stdout).toContain(`jar_url: recorded ${JARS.http}?private_token=[redacted]`);
    const apply = await world.apply({ sha: sha('3'), inputs: { 'comment-key': KEY } });
    expect(apply.exitCode, explain(apply)).toBe(0);
    const stored = JSON.stringify(world.github.deployments(OWNER, REPO).filter((d) => d.ref !== sha('2')));
    for (const text of [shown(world, plan), shown(world, apply), stored]) {
      expect(text).not.toContain(TOKEN);
      expect(text).not.toContain(FRAGMENT);
    }
  });
});
