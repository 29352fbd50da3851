/**
 * The apply on push to the default branch reports back on the merged pull request: the same
 * sticky comment gains an "Applied" section (what was done per connector, how long it took, what
 * failed). A push that belongs to no pull request writes the job summary only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { botComments, commentCalls, prComments, requestsSince } from '../support/pr-helpers.js';
import { JARS, NS, OWNER, REPO, WS, type World, connectorYaml, startWorld } from '../support/world.js';

const MERGED_AT = '2025-03-04T05:06:07Z';
const MISSING_JAR = 'oss://flink-artifacts/connectors/not-uploaded-9.9.9.jar';

/** The rows of the Applied table, by connector name. */
function appliedRows(body: string): Map<string, string[]> {
  const at = body.indexOf('| Connector | Action | Result |');
  const rows = new Map<string, string[]>();
  if (at < 0) return rows;
  for (const line of body.slice(at).split('\n').slice(2)) {
    if (!line.startsWith('|')) break;
    const cells = line.split('|').slice(1, -1).map((c) => c.trim());
    rows.set(cells[0] ?? '', cells);
  }
  return rows;
}

describe('apply on push reports on the merged pull request', () => {
  let world: World;

  beforeAll(async () => {
    world = await startWorld();
    await world.write({
      'connectors/kafka.yaml': connectorYaml({ connector_name: 'kafka-orders', connector_type: 'kafka-orders', jar_url: JARS.kafkaV1 }),
      'connectors/http.yaml': connectorYaml({ connector_name: 'http-lookup', connector_type: 'http-lookup', jar_url: JARS.http, lookup: true }),
    });
  });

  afterAll(async () => {
    await world.close();
  });

  it('updates the merged PR comment with an Applied section: action, status and duration per connector', async () => {
    const pr = 700;
    const sha = '7'.repeat(40);
    const plan = await world.plan({ pr });
    expect(plan.exitCode, plan.stdout).toBe(0);
    const [planned] = prComments(world.github, pr);
    expect(planned?.body).not.toContain('Flink connectors applied');

    world.github.setPullsForCommit(OWNER, REPO, sha, [{ number: pr, merged_at: MERGED_AT, state: 'closed' }]);
    const since = world.github.requests().length;
    const apply = await world.apply({ sha });
    expect(apply.exitCode, apply.stdout + apply.stderr).toBe(0);
    expect(apply.outputs.result).toBe('applied');
    expect(world.emulator.connectors(WS, NS).map((c) => c.name).sort()).toEqual(['http-lookup', 'kafka-orders']);

    const log = requestsSince(world.github, since);
    expect(log.filter((e) => e.method === 'GET' && e.path.startsWith(`/repos/${OWNER}/${REPO}/commits/${sha}/pulls`))).toHaveLength(1);
    const calls = commentCalls(log, pr);
    expect(calls.post).toHaveLength(0);
    expect(calls.patch.map((e) => e.path)).toEqual([`/repos/${OWNER}/${REPO}/issues/comments/${planned?.id}`]);

    const comments = prComments(world.github, pr);
    expect(comments).toHaveLength(1);
    const body = comments[0]?.body ?? '';
    expect(body).toContain('Plan: 2 to register, 0 to replace, 0 to delete.');
    // The outcome first, in the past tense; the plan folded below it.
    expect(body).toMatch(new RegExp(`^### Flink connectors applied: ${WS}/${NS}\\n\\n\\*\\*Applied 2 of 2 at \`${sha.slice(0, 7)}\`\\*\\* · \\[workflow run\\]`, 'm'));
    expect(body.indexOf('Applied 2 of 2')).toBeLessThan(body.indexOf('<details><summary>The plan: Plan: 2 to register'));
    const rows = appliedRows(body);
    expect([...rows.keys()].sort()).toEqual(['http-lookup', 'kafka-orders']);
    for (const cells of rows.values()) {
      expect(cells).toHaveLength(3);
      expect(cells[1]).toBe('register');
      expect(cells[2]).toMatch(/^✅ done · (\d+\.\d s|\d+ m \d\d s)$/);
    }
    expect(apply.outputs['comment-url']).toBe(comments[0]?.html_url);
    expect(apply.summary).toContain('Applied 2 of 2 at');
  });

  it('names the failures in the Applied section when a registration fails', async () => {
    const pr = 701;
    const sha = '8'.repeat(40);
    await world.write({
      'connectors/broken.yaml': connectorYaml({ connector_name: 'orders-archive', connector_type: 'orders-archive', jar_url: MISSING_JAR }),
      'connectors/mysql.yaml': connectorYaml({ connector_name: 'mysql-cdc', connector_type: 'mysql-cdc', jar_url: JARS.mysql }),
    });
    const plan = await world.plan({ pr });
    expect(plan.exitCode, plan.stdout).toBe(0);
    expect(plan.outputs['to-register']).toBe('2');

    world.github.setPullsForCommit(OWNER, REPO, sha, [{ number: pr, merged_at: MERGED_AT, state: 'closed' }]);
    const apply = await world.apply({ sha });
    expect(apply.exitCode).toBe(1);
    expect(apply.outputs.result).toBe('failed');

    const comments = prComments(world.github, pr);
    expect(comments).toHaveLength(1);
    const body = comments[0]?.body ?? '';
    // What failed, why and what to do, before anything else.
    expect(body).toMatch(/^### Flink connectors: apply failed in /m);
    expect(body).toMatch(/> \[!CAUTION\]\n> \*\*1 of 2 failed:\*\* `orders-archive` — .*(JarNotFound|does not exist).*\. Fix the cause, then \[re-run the apply\]/);
    const rows = appliedRows(body);
    expect(rows.get('mysql-cdc')?.slice(1)).toEqual([expect.stringMatching(/^register$/), expect.stringMatching(/^✅ done · /)]);
    const failed = rows.get('orders-archive');
    expect(failed?.[1]).toBe('register');
    expect(failed?.[2]).toMatch(/^❌ failed · \d+\.\d s<br>.*(JarNotFound|does not exist)/);
    // The connectors of the earlier PR are not part of this apply's outcome.
    expect(rows.has('kafka-orders')).toBe(false);
    await world.remove('connectors/broken.yaml');
  });

  it('writes only the job summary for a push that belongs to no pull request', async () => {
    const sha = '9'.repeat(40);
    await world.write({ 'connectors/redis.yaml': connectorYaml({ connector_name: 'redis-cache', connector_type: 'redis-cache', jar_url: JARS.redis, sink: true, lookup: true }) });
    const before = new Map([700, 701].map((pr) => [pr, prComments(world.github, pr)]));
    const since = world.github.requests().length;

    const apply = await world.apply({ sha });
    expect(apply.exitCode, apply.stdout + apply.stderr).toBe(0);
    expect(apply.outputs.result).toBe('applied');
    expect(world.emulator.connectors(WS, NS).map((c) => c.name)).toContain('redis-cache');

    const log = requestsSince(world.github, since);
    expect(log.filter((e) => e.method === 'GET' && e.path.startsWith(`/repos/${OWNER}/${REPO}/commits/${sha}/pulls`))).toHaveLength(1);
    // The earlier PRs' plans may be read (the failed apply of #701 left reviewed changes to do); nothing is written.
    expect(commentCalls(log).all.filter((e) => e.method !== 'GET')).toEqual([]);
    for (const [pr, comments] of before) expect(prComments(world.github, pr)).toEqual(comments);
    expect(apply.outputs['comment-url'] ?? '').toBe('');

    expect(apply.summary).toContain('Plan: 1 to register, 0 to replace, 0 to delete.');
    expect(apply.summary).toContain('Applied 1 of 1 at');
    expect(apply.summary).toMatch(/\| redis-cache \| register \| ✅ done · \d+\.\d s \|/);
    expect(botComments(world.github, 700)).toHaveLength(1);
  });
});
