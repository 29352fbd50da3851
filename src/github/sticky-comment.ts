/**
 * One PR comment per marker, updated in place on every run.
 *
 * Our comment is the one that begins with the hidden marker AND is written by us:
 * anyone can paste the marker into their own comment, and we could not edit
 * theirs anyway. "Us" is the GraphQL `viewer`, which answers for every kind of
 * token (`github-actions` for the workflow token, `<app-slug>[bot]` for an App
 * installation token, the user for a personal token), where `GET /user` answers
 * 403 to the first two. Logins are compared without any `[bot]` suffix, since
 * the viewer and the comment author spell bots differently.
 */
import type { Octokit } from './client.js';
import { NO_RETRY, createOnce } from './create-once.js';
import { httpStatusOf, rethrowAsPermissionError } from './errors.js';
import { COMMENT_LIMIT } from '../report/markdown.js';

/** The author of comments written with a workflow's `GITHUB_TOKEN`. */
export const GITHUB_ACTIONS_BOT = 'github-actions[bot]';


const FORK_HINT = 'On a pull request from a fork the token is read-only and no comment can be written.';

export interface StickyCommentQuery {
  readonly owner: string;
  readonly repo: string;
  readonly issueNumber: number;
  /** A hidden HTML comment, e.g. `<!-- flink-connector-action:plan -->`. */
  readonly marker: string;
  /** Markers earlier releases wrote for the same comment: found (and rewritten) when no comment carries `marker`. */
  readonly legacyMarkers?: readonly string[];
  /**
   * Whose comments count as ours. Default: the `GET /user` login when the token
   * may call it, else `github-actions[bot]`. Needed for a GitHub App token
   * (`<app-slug>[bot]`), which cannot call `GET /user` either.
   */
  readonly author?: string;
}

export interface StickyCommentInput extends StickyCommentQuery {
  /** Markdown; the marker is prepended when missing so the next run finds it. */
  readonly body: string;
}

export interface StickyComment {
  readonly id: number;
  readonly body: string;
  readonly url: string;
  readonly author: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface UpsertResult {
  readonly id: number;
  readonly url: string;
  /** false when an existing comment was updated. */
  readonly created: boolean;
}

interface ListedComment {
  readonly id: number;
  readonly body?: string | null;
  readonly html_url: string;
  readonly created_at: string;
  readonly updated_at: string;
  readonly user?: { readonly login: string; readonly type?: string } | null;
}

/** Identity per Octokit (per token): asked once, never fatal. */
const identities = new WeakMap<Octokit, Promise<string>>();

/** A login as the viewer and as a comment author agree on it: lower case, no `[bot]`. */
export function normalLogin(login: string): string {
  return login.toLowerCase().replace(/\[bot\]$/, '');
}

function whoAmI(octokit: Octokit): Promise<string> {
  const known = identities.get(octokit);
  if (known) return known;
  const asked = octokit
    .graphql<{ viewer?: { login?: string } }>('query { viewer { login } }')
    .then((answer) => answer.viewer?.login ?? Promise.reject(new Error('GraphQL viewer has no login')))
    .catch(() => octokit.rest.users.getAuthenticated().then((response) => response.data.login))
    .catch((error: unknown) => {
      const status = httpStatusOf(error);
      // 403 is the normal answer of GET /user for GITHUB_TOKEN; anything transient is retried next time.
      if (status !== 401 && status !== 403 && status !== 404) identities.delete(octokit);
      return GITHUB_ACTIONS_BOT;
    });
  identities.set(octokit, asked);
  return asked;
}

/** Ours: begins with the marker, written by us, and by a bot when we are one (never a human's comment). */
function isOurs(comment: ListedComment, marker: string, me: string): boolean {
  if (!(comment.body ?? '').startsWith(marker)) return false;
  const author = comment.user;
  if (!author || normalLogin(author.login) !== normalLogin(me)) return false;
  const bot = /\[bot\]$/i.test(me) || normalLogin(me) === normalLogin(GITHUB_ACTIONS_BOT);
  return !bot || author.type === undefined || author.type === 'Bot';
}

function charCount(text: string): number {
  return Array.from(text).length;
}

function where(query: StickyCommentQuery): string {
  return `#${query.issueNumber} in ${query.owner}/${query.repo}`;
}

function checkMarker(marker: string): void {
  if (marker.trim() === '') throw new Error('A sticky comment needs a non-empty marker.');
}

async function listComments(octokit: Octokit, query: StickyCommentQuery): Promise<ListedComment[]> {
  try {
    return await octokit.paginate(octokit.rest.issues.listComments, {
      owner: query.owner,
      repo: query.repo,
      issue_number: query.issueNumber,
      per_page: 100,
    });
  } catch (error) {
    rethrowAsPermissionError(error, 'pull-requests: write', `list the comments of ${where(query)}`);
  }
}

/** Newest first by creation; ids grow with time and break ties within a second. */
function newest<T extends ListedComment>(comments: readonly T[]): T | undefined {
  let best: T | undefined;
  for (const c of comments) {
    if (!best || c.created_at > best.created_at || (c.created_at === best.created_at && c.id > best.id)) best = c;
  }
  return best;
}

async function findOurs(octokit: Octokit, query: StickyCommentQuery): Promise<ListedComment | undefined> {
  checkMarker(query.marker);
  const markers = [query.marker, ...(query.legacyMarkers ?? [])];
  const comments = await listComments(octokit, query);
  const marked = comments.filter((c) => markers.some((m) => (c.body ?? '').startsWith(m)));
  // Only ask who we are when it matters: most runs either find nothing or create.
  if (marked.length === 0) return undefined;
  const me = query.author ?? (await whoAmI(octokit));
  for (const marker of markers) {
    const found = newest(marked.filter((c) => isOurs(c, marker, me)));
    if (found) return found;
  }
  return undefined;
}

/** Our newest comment carrying `marker`, or undefined. */
export async function findStickyComment(
  octokit: Octokit,
  query: StickyCommentQuery,
): Promise<StickyComment | undefined> {
  const found = await findOurs(octokit, query);
  if (!found) return undefined;
  return {
    id: found.id,
    body: found.body ?? '',
    url: found.html_url,
    author: found.user?.login ?? '',
    createdAt: found.created_at,
    updatedAt: found.updated_at,
  };
}

/**
 * Updates our comment carrying `marker` (the newest, if there are several;
 * older ones are left alone), or creates it.
 */
export async function upsertStickyComment(octokit: Octokit, input: StickyCommentInput): Promise<UpsertResult> {
  checkMarker(input.marker);
  const body = input.body.startsWith(input.marker) ? input.body : `${input.marker}\n${input.body}`;
  const length = charCount(body);
  if (length > COMMENT_LIMIT) {
    throw new RangeError(
      `The comment for ${where(input)} is ${length} characters; GitHub accepts at most ${COMMENT_LIMIT}.`,
    );
  }
  const existing = await findOurs(octokit, input);
  try {
    if (existing) {
      const { data } = await octokit.rest.issues.updateComment({
        owner: input.owner,
        repo: input.repo,
        comment_id: existing.id,
        body,
      });
      return { id: data.id, url: data.html_url, created: false };
    }
    return await createOnce(
      async () => {
        const { data } = await octokit.rest.issues.createComment({ owner: input.owner, repo: input.repo, issue_number: input.issueNumber, body, ...NO_RETRY });
        return { id: data.id, url: data.html_url, created: true };
      },
      async () => {
        const found = await findOurs(octokit, input);
        return found && found.body === body ? { id: found.id, url: found.html_url, created: true } : undefined;
      },
    );
  } catch (error) {
    rethrowAsPermissionError(
      error,
      'pull-requests: write',
      `${existing ? 'update' : 'write'} a comment on ${where(input)}`,
      FORK_HINT,
    );
  }
}
