/**
 * `npm run demo`: the real action, end to end, with no cloud account. Starts the workspace
 * emulator and the local GitHub fake, copies examples/ into a scratch repository, runs the bundled
 * action as a pull-request plan (which posts the plan comment) and then as the apply that follows
 * the merge, then plans a follow-up pull request that bumps a JAR (the record of applied
 * connectors makes that a replace, shown with the Flink jobs and tables it touches), applies that
 * one too (the comment then names the jobs to restart), and prints what a user would see.
 */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCatalogFile } from '../src/emulator/catalog.js';
import { startGitHubFake } from '../src/emulator/github-fake.js';
import { startEmulator } from '../src/emulator/server.js';
import { PROJECT_ROOT, type RunResult, runAction } from './local-runner.js';

const ACCESS_KEY_ID = 'LTAIdemoAccessKey';
const ACCESS_KEY_SECRET = 'demo-secret-not-a-real-key';
const TOKEN = 'ghs_demoToken';
const OWNER = 'acme';
const REPO = 'pipelines';
const PR = 12;
const MERGE_SHA = '5e1f0c0ffee5e1f0c0ffee5e1f0c0ffee5e1f0c0';

function banner(title: string): void {
  console.log(`\n${'='.repeat(78)}\n${title}\n${'='.repeat(78)}`);
}

/** The log as a person reads it in the Actions UI: no workflow commands. */
function readableLog(run: RunResult): string {
  return run.stdout
    .split('\n')
    .filter((line) => !line.startsWith('::debug::') && !line.startsWith('::add-mask::') && !line.startsWith('::endgroup::'))
    .map((line) => line.replace(/^::group::/, '▸ ').replace(/^::(warning|notice|error)[^:]*::/, (_, level: string) => `${level.toUpperCase()}: `))
    .join('\n')
    .trim();
}

async function main(): Promise<number> {
  const { catalog, tables, usage } = await loadCatalogFile(join(PROJECT_ROOT, '__fixtures__/catalog/catalog.yaml'));
  // A little latency and a delayed listing, as the real service has, so waits show in the log.
  const emulator = await startEmulator({ accessKeys: { [ACCESS_KEY_ID]: ACCESS_KEY_SECRET }, catalog, tables: { ...tables }, usage, latencyMs: 80, visibilityDelayMs: 600 });
  const github = await startGitHubFake({ token: TOKEN });
  const repo = await mkdtemp(join(tmpdir(), 'fca-demo-'));
  try {
    await cp(join(PROJECT_ROOT, 'examples'), repo, { recursive: true });
    const repository = { full_name: `${OWNER}/${REPO}`, default_branch: 'main', name: REPO, owner: { login: OWNER } };
    const common = {
      workspace: repo,
      apiUrl: github.url,
      githubToken: TOKEN,
      repository: `${OWNER}/${REPO}`,
      inputs: { endpoint: emulator.url, 'access-key-id': ACCESS_KEY_ID, 'access-key-secret': ACCESS_KEY_SECRET, timeout: '30s' },
    };
    console.log(`workspace emulator: ${emulator.url}   GitHub API fake: ${github.url}`);

    banner(`1. Pull request #${PR}: plan`);
    const plan = await runAction({
      ...common,
      eventName: 'pull_request',
      ref: `refs/pull/${PR}/merge`,
      payload: {
        number: PR,
        pull_request: {
          number: PR,
          head: { sha: MERGE_SHA, ref: 'add-connectors', repo: { full_name: `${OWNER}/${REPO}` } },
          base: { ref: 'main', repo: { full_name: `${OWNER}/${REPO}` } },
        },
        repository,
      },
    });
    console.log(readableLog(plan));
    const comment = github.comments(OWNER, REPO, PR)[0];
    if (comment) {
      banner(`The comment on pull request #${PR} (markdown)`);
      console.log(comment.body);
    }
    if (plan.exitCode !== 0) return plan.exitCode;

    github.setPullsForCommit(OWNER, REPO, MERGE_SHA, [{ number: PR, merged_at: new Date().toISOString(), state: 'closed' }]);
    banner('2. Merged: push to main applies');
    // GitHub knows the default branch's commits: an apply checks it never goes over a newer one.
    github.pushCommits(OWNER, REPO, [{ sha: MERGE_SHA, message: `Merge pull request #${PR}` }]);
    const apply = await runAction({ ...common, eventName: 'push', ref: 'refs/heads/main', sha: MERGE_SHA, payload: { ref: 'refs/heads/main', after: MERGE_SHA, repository } });
    console.log(readableLog(apply));
    console.log(`\nresult: ${apply.outputs.result}`);
    const updated = github.comments(OWNER, REPO, PR)[0];
    if (updated) {
      banner(`The same comment on pull request #${PR}, updated with the results`);
      console.log(updated.body);
    }

    banner('3. A follow-up pull request bumps the kafka-orders JAR to 1.1.0: plan');
    const kafkaFile = join(repo, 'connectors/streaming/kafka-orders.yaml');
    // Only the JAR changes, so the replace's headline reason is the whole story.
    const bumped = (await readFile(kafkaFile, 'utf8')).replace('kafka-orders-1.0.0.jar', 'kafka-orders-1.1.0.jar');
    await writeFile(kafkaFile, bumped);
    const NEXT_PR = PR + 1;
    const followUp = await runAction({
      ...common,
      eventName: 'pull_request',
      ref: `refs/pull/${NEXT_PR}/merge`,
      payload: {
        number: NEXT_PR,
        pull_request: {
          number: NEXT_PR,
          head: { sha: 'b'.repeat(40), ref: 'bump-kafka', repo: { full_name: `${OWNER}/${REPO}` } },
          base: { ref: 'main', repo: { full_name: `${OWNER}/${REPO}` } },
        },
        repository,
      },
    });
    console.log(readableLog(followUp));
    // The catalog file seeds ws-demo/default with deployments and tables: the replace shows who it touches.
    const followUpComment = github.comments(OWNER, REPO, NEXT_PR)[0];
    if (followUpComment) {
      banner(`The comment on pull request #${NEXT_PR}: the replace and its impact (markdown)`);
      console.log(followUpComment.body);
    }

    if (followUp.exitCode !== 0) return followUp.exitCode;

    const BUMP_SHA = 'b'.repeat(40);
    github.setPullsForCommit(OWNER, REPO, BUMP_SHA, [{ number: NEXT_PR, merged_at: new Date().toISOString(), state: 'closed' }]);
    banner(`4. Pull request #${NEXT_PR} merged: the apply proves the replace (the jobs using kafka-orders still validate)`);
    github.pushCommits(OWNER, REPO, [{ sha: BUMP_SHA, message: `Merge pull request #${NEXT_PR}` }]);
    const bump = await runAction({ ...common, eventName: 'push', ref: 'refs/heads/main', sha: BUMP_SHA, payload: { ref: 'refs/heads/main', after: BUMP_SHA, repository } });
    console.log(readableLog(bump));
    console.log(`\nresult: ${bump.outputs.result}, verified: ${bump.outputs.verified}, regressions: ${bump.outputs.regressions}`);
    const bumpComment = github.comments(OWNER, REPO, NEXT_PR)[0];
    if (bumpComment) {
      banner(`The same comment on pull request #${NEXT_PR}, updated with the results: the jobs to restart`);
      console.log(bumpComment.body);
    }
    if (bump.exitCode !== 0) return bump.exitCode;

    banner('5. A JAR that renames `topic` to `topics` (kafka-orders 3.0.0): the apply rolls it back');
    await writeFile(kafkaFile, bumped.replace('kafka-orders-1.1.0.jar', 'kafka-orders-3.0.0.jar'));
    // Straight to main, to show the apply alone (a reviewed pull request would show the same baseline as step 3).
    github.pushCommits(OWNER, REPO, [{ sha: 'c'.repeat(40), message: 'Bump kafka-orders to 3.0.0' }]);
    const broken = await runAction({
      ...common,
      inputs: { ...common.inputs, 'allow-unreviewed-changes': 'true' },
      eventName: 'push',
      ref: 'refs/heads/main',
      sha: 'c'.repeat(40),
      payload: { ref: 'refs/heads/main', after: 'c'.repeat(40), repository },
    });
    console.log(readableLog(broken));
    console.log(`\nresult: ${broken.outputs.result}, verified: ${broken.outputs.verified}, regressions: ${broken.outputs.regressions} (the run fails on purpose)`);

    banner('6. What the workspace emulator now holds');
    for (const [ws, ns] of [
      ['ws-demo', 'default'],
      ['ws-demo', 'analytics'],
    ] as const) {
      const names = emulator.connectors(ws, ns).map((c) => `${c.name} (${c.type})`);
      console.log(`${ws}/${ns}: ${names.join(', ') || '(none)'}`);
    }
    return apply.exitCode;
  } finally {
    await Promise.all([emulator.close(), github.close(), rm(repo, { recursive: true, force: true })]);
  }
}

process.exitCode = await main();
