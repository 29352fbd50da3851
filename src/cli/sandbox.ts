/**
 * `flink-connectors sandbox --dir DIR`: the action on the user's own files with no cloud account
 * and no GitHub. Each run starts the workspace emulator and the GitHub stand-in, restores their
 * state from a folder, plays one event (a pull request's plan, or the merge's apply, with the
 * apply == reviewed check) through `run()`, and saves the state again.
 */
import { stat, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { type CatalogFile, loadCatalogFile } from '../emulator/catalog.js';
import { startGitHubFake } from '../emulator/github-fake.js';
import { startEmulator } from '../emulator/server.js';
import { readDefinitionFiles } from '../definitions/files.js';
import { loadDefinitions } from '../definitions/validate.js';
import type { EventInfo, Settings } from '../settings.js';
import { deriveCatalog } from '../sandbox/catalog.js';
import { type SandboxState, loadState, newSha, restore, saveState, snapshot } from '../sandbox/state.js';
import { headCommit } from './settings.js';
import type { TerminalReporter } from './terminal-reporter.js';

/** Credentials the emulator accepts: valid only against it. */
const KEY_ID = 'LTAI5tSandboxKey';
const KEY_SECRET = 'sandbox-secret-not-for-cloud-use';
const TOKEN = 'ghs_sandboxToken';
export const OWNER = 'sandbox';

export type Play = 'pr' | 'merge';

export interface SandboxOptions {
  readonly repoDir: string;
  readonly stateDir?: string;
  readonly catalogFile?: string;
  readonly play: Play;
}

/** Builds the run's settings from the sandbox's overrides and the event it plays. */
export type SettingsFor = (overrides: Record<string, string>, event: EventInfo, env: NodeJS.ProcessEnv) => Settings | undefined;

/**
 * The next pull request's number and commit, or the one a merge completes. `commit` is the
 * checkout's HEAD (a made-up one outside git). A merge whose apply failed stays merged, as on GitHub:
 * `--as merge` runs its apply again, `--as pr` opens the next pull request.
 */
function eventFor(play: Play, state: SandboxState, repo: string, commit: string): { event: EventInfo; pull: NonNullable<SandboxState['pull']> } {
  const open = state.pull && !state.pull.merged ? state.pull : undefined;
  const base = { owner: OWNER, repo, fromFork: false };
  if (play === 'pr') {
    const pull = { number: open?.number ?? (state.pull?.number ?? 0) + 1, sha: commit, merged: false };
    return { pull, event: { ...base, name: 'pull_request', sha: pull.sha, pullNumber: pull.number, pushToDefaultBranch: false } };
  }
  // A merge with no pull request open (nor one to retry) is a push straight to the default branch.
  const merging = open ?? (state.pull?.failed ? state.pull : undefined);
  const pull = { number: merging?.number ?? 0, sha: merging?.sha ?? commit, merged: true };
  return { pull, event: { ...base, name: 'push', sha: pull.sha, pushToDefaultBranch: true } };
}

export async function runSandbox(
  options: SandboxOptions,
  env: NodeJS.ProcessEnv,
  out: TerminalReporter,
  settingsFor: SettingsFor,
  runPipeline: (settings: Settings, out: TerminalReporter) => Promise<string>,
): Promise<string> {
  const repoDir = resolve(options.repoDir);
  if (!(await stat(repoDir).catch(() => undefined))?.isDirectory()) throw new Error(`--dir ${repoDir} is not a directory: give the checkout of your repository.`);
  const stateDir = resolve(options.stateDir ?? resolve(repoDir, '.flink-connectors-sandbox'));
  const repo = basename(repoDir).replace(/[^A-Za-z0-9_.-]/g, '-') || 'repo';
  const state = await loadState(stateDir);
  const { event, pull } = eventFor(options.play, state, repo, headCommit(repoDir) || newSha());

  // Settings are built before the servers start, to read the definitions the catalog comes from.
  const draft = settingsFor({}, event, env);
  if (!draft) return 'failed';
  const given: CatalogFile = options.catalogFile ? await loadCatalogFile(resolve(options.catalogFile)) : { catalog: {}, tables: {}, usage: [] };
  const read = await readDefinitionFiles([...draft.definitions], draft.root);
  const derived = options.catalogFile ? {} : deriveCatalog(loadDefinitions(read.files, { workspaceId: draft.defaultWorkspaceId, namespace: draft.defaultNamespace }).connectors);
  const catalog = { ...state.catalog, ...derived, ...given.catalog };

  const emulator = await startEmulator({ accessKeys: { [KEY_ID]: KEY_SECRET }, catalog, tables: { ...given.tables }, usage: given.usage });
  const github = await startGitHubFake({ token: TOKEN });
  try {
    const servers = { emulator, github, token: TOKEN, owner: OWNER, repo };
    // The merge's commit joins the default branch (once: a retried apply merges nothing new).
    const merges = [...(state.merges ?? [])];
    if (options.play === 'merge' && !merges.some((m) => m.sha === pull.sha && m.number === pull.number)) merges.push({ number: pull.number, sha: pull.sha });
    await restore({ ...state, merges }, servers);
    out.info(`sandbox: ${options.play === 'pr' ? `pull request #${pull.number}` : pull.number > 0 ? `merge of pull request #${pull.number}` : 'push to the default branch'} on ${repoDir}; state in ${stateDir}`);
    const settings = settingsFor(
      { endpoint: emulator.url, 'access-key-id': KEY_ID, 'access-key-secret': KEY_SECRET, 'github-token': TOKEN, comment: 'true', command: 'auto' },
      event,
      { ...env, GITHUB_API_URL: github.url },
    );
    if (!settings) return 'failed';
    let summary = '';
    const result = await runPipeline(settings, { ...out, summary: async (markdown) => void (summary += markdown) });
    const played = options.play === 'merge' ? { ...pull, failed: result === 'failed' } : pull;
    await saveState(stateDir, { ...(await snapshot(servers, state, catalog, played)), merges });
    if (summary) {
      const file = join(stateDir, pull.number > 0 ? `pull-${pull.number}-${options.play}-summary.md` : 'push-summary.md');
      await writeFile(file, summary);
      out.info(`the job summary (Markdown): ${file}`);
    }
    // What reviewers would read on the pull request, where a user can open it.
    const comment = pull.number > 0 ? github.comments(OWNER, repo, pull.number).at(-1) : undefined;
    if (comment) {
      const file = join(stateDir, `pull-${pull.number}-comment.md`);
      await writeFile(file, comment.body);
      out.info(`the comment on pull request #${pull.number} (Markdown): ${file}`);
    }
    return result;
  } finally {
    await Promise.all([emulator.close(), github.close()]);
  }
}
