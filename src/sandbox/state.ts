/**
 * What the sandbox keeps between runs, in one JSON file: the emulated workspaces, the GitHub
 * stand-in's record (deployments) and plan comments, the JARs it has known, and the pull request
 * being played. Each run restores it into fresh servers and saves it back when done.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { JarCatalog } from '../emulator/catalog.js';
import type { FakeUser, GitHubFakeHandle } from '../emulator/github-fake.js';
import type { EmulatorHandle, TargetState } from '../emulator/server.js';
import { createOctokit } from '../github/client.js';
import { writeRecord } from '../github/deployments.js';
import type { LiveConnector } from '../model.js';

export interface SavedDeployment {
  readonly environment: string;
  readonly ref: string;
  readonly task: string;
  readonly payload: unknown;
  readonly description: string;
  readonly state: 'success' | 'failure';
}

export interface SandboxState {
  /** Every JAR the sandbox has known: an older JAR stays registrable (a rollback needs it). */
  readonly catalog: JarCatalog;
  readonly targets: ReadonlyArray<{ readonly workspaceId: string; readonly namespace: string; readonly connectors: readonly LiveConnector[] }>;
  /** Oldest first. */
  readonly deployments: readonly SavedDeployment[];
  readonly comments: ReadonlyArray<{ readonly issue: number; readonly body: string; readonly user: FakeUser }>;
  /** The latest pull request played: planned on `sha`, merged or still open; `failed`: merged, and its apply failed. */
  readonly pull?: { readonly number: number; readonly sha: string; readonly merged: boolean; readonly failed?: boolean };
  /** The default branch the merges made, oldest first (`number` 0: a push with no pull request). */
  readonly merges?: ReadonlyArray<{ readonly number: number; readonly sha: string }>;
}

export const EMPTY_STATE: SandboxState = { catalog: {}, targets: [], deployments: [], comments: [] };
const FILE = 'state.json';

export async function loadState(dir: string): Promise<SandboxState> {
  let text: string;
  try {
    text = await readFile(join(dir, FILE), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return EMPTY_STATE;
    throw error;
  }
  return { ...EMPTY_STATE, ...(JSON.parse(text) as Partial<SandboxState>) };
}

export async function saveState(dir: string, state: SandboxState): Promise<void> {
  await mkdir(dir, { recursive: true });
  // The folder usually sits in the user's checkout: keep it out of their commits.
  await writeFile(join(dir, '.gitignore'), '*\n');
  const temporary = join(dir, `${FILE}.${process.pid}.tmp`);
  await writeFile(temporary, `${JSON.stringify(state, null, 2)}\n`);
  await rename(temporary, join(dir, FILE));
}

export interface Servers {
  readonly emulator: EmulatorHandle;
  readonly github: GitHubFakeHandle;
  readonly token: string;
  readonly owner: string;
  readonly repo: string;
}

/** Puts the saved workspaces, records and comments into freshly started servers. */
export async function restore(state: SandboxState, s: Servers): Promise<void> {
  for (const t of state.targets) s.emulator.seed(t.workspaceId, t.namespace, t.connectors);
  // The default branch, so an apply's review check can compare its commit with the last applied one.
  s.github.pushCommits(s.owner, s.repo, (state.merges ?? []).map((m) => ({ sha: m.sha, message: m.number > 0 ? `Merge pull request #${m.number}` : 'push' })));
  for (const m of state.merges ?? []) if (m.number > 0) s.github.addMergedPull(s.owner, s.repo, { number: m.number, merge_commit_sha: m.sha, head: { sha: m.sha } });
  for (const c of state.comments) s.github.addComment(s.owner, s.repo, c.issue, c.body, c.user);
  const octokit = createOctokit(s.token, s.github.url);
  for (const d of state.deployments) {
    await writeRecord(octokit, { owner: s.owner, repo: s.repo, environment: d.environment, ref: d.ref, task: d.task, payload: d.payload as Record<string, unknown>, description: d.description, state: d.state });
  }
}

/** What the servers hold now, to be saved. */
export async function snapshot(s: Servers, previous: SandboxState, catalog: JarCatalog, pull: SandboxState['pull']): Promise<SandboxState> {
  const dump = (await (await fetch(`${s.emulator.url}/__emulator/state`)).json()) as { targets: TargetState[] };
  const deployments = s.github
    .deployments(s.owner, s.repo)
    .reverse()
    .map((d) => ({ environment: d.environment, ref: d.ref, task: d.task, payload: d.payload, description: d.description ?? '', state: d.statuses[0]?.state === 'success' ? 'success' : 'failure' }) as const);
  const comments = Array.from({ length: pull?.number ?? 0 }, (_, i) => i + 1).flatMap((issue) => s.github.comments(s.owner, s.repo, issue).map((c) => ({ issue, body: c.body, user: c.user })));
  return { ...previous, catalog, targets: dump.targets.map((t) => ({ workspaceId: t.workspaceId, namespace: t.namespace, connectors: t.connectors })), deployments, comments, pull };
}

/** A commit SHA for a played push: the sandbox has no git history of its own. */
export const newSha = (): string => randomBytes(20).toString('hex');
