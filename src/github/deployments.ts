/**
 * A GitHub deployment per environment records what an apply did: its ref, a
 * payload describing the applied state, and a status linking to the run log.
 * The newest deployment of an environment is what the next run compares against.
 */
import type { Octokit } from './client.js';
import { NO_RETRY, createOnce } from './create-once.js';
import { rethrowAsPermissionError } from './errors.js';

/** GitHub refuses longer deployment status descriptions with 422. */
export const DESCRIPTION_MAX_CHARS = 140;

export interface RecordInput {
  readonly owner: string;
  readonly repo: string;
  readonly environment: string;
  /** A commit SHA (or branch) the applied definitions came from. */
  readonly ref: string;
  /** Stored as sent; GitHub returns the object unchanged. */
  readonly payload: Record<string, unknown>;
  /** `in_progress` marks a record written before the workspace is changed (see `intendedRecord`). */
  readonly state: 'success' | 'failure' | 'in_progress';
  /** The workflow run, shown as the status' log link. */
  readonly logUrl?: string;
  /** Clipped to 140 characters. */
  readonly description: string;
  /** The deployment task: lets one listing find every record of a kind. */
  readonly task?: string;
}

export interface WrittenRecord {
  readonly id: number;
  readonly statusId: number;
}

export interface StoredRecord {
  readonly id: number;
  readonly ref: string;
  readonly sha: string;
  /** Whatever was recorded: validate before use. */
  readonly payload: unknown;
  readonly createdAt: string;
}

/** Clips to `max` characters (not UTF-16 units), ending with an ellipsis when cut. */
export function clipDescription(text: string, max = DESCRIPTION_MAX_CHARS): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

function where(owner: string, repo: string, environment: string): string {
  return `environment "${environment}" of ${owner}/${repo}`;
}

export async function writeRecord(octokit: Octokit, input: RecordInput): Promise<WrittenRecord> {
  const { owner, repo, environment } = input;
  const description = clipDescription(input.description);
  try {
    const payload = JSON.stringify(input.payload);
    const deploymentId = await createOnce(
      async () => {
        const { data: deployment } = await octokit.rest.repos.createDeployment({
          owner,
          repo,
          ref: input.ref,
          environment,
          payload: input.payload,
          description,
          ...(input.task ? { task: input.task } : {}),
          // Without these GitHub may merge the default branch into `ref`, or answer 409
          // because this very workflow is still a pending check on `ref`.
          auto_merge: false,
          required_contexts: [],
          transient_environment: false,
          ...NO_RETRY,
        });
        if (!('id' in deployment)) {
          throw new Error(`GitHub did not create a deployment for ${input.ref}: ${deployment.message ?? 'no reason given'}`);
        }
        return deployment.id;
      },
      // A lost attempt's deployment: the newest of this environment and task, for this ref, with this payload.
      async () => {
        const { data } = await octokit.rest.repos.listDeployments({ owner, repo, environment, ...(input.task ? { task: input.task } : {}), per_page: 10 });
        return data.find((d) => (d.ref === input.ref || d.sha === input.ref) && JSON.stringify(decodePayload(d.payload)) === payload)?.id;
      },
    );
    const statusId = await createOnce(
      async () => {
        const { data: status } = await octokit.rest.repos.createDeploymentStatus({
          owner,
          repo,
          deployment_id: deploymentId,
          state: input.state,
          description,
          ...(input.logUrl ? { log_url: input.logUrl } : {}),
          ...NO_RETRY,
        });
        return status.id;
      },
      async () => {
        const { data } = await octokit.rest.repos.listDeploymentStatuses({ owner, repo, deployment_id: deploymentId, per_page: 10 });
        return data.find((s) => s.state === input.state && s.description === description)?.id;
      },
    );
    return { id: deploymentId, statusId };
  } catch (error) {
    rethrowAsPermissionError(error, 'deployments: write', `record a deployment to ${where(owner, repo, environment)}`);
  }
}

/** A payload sent as a JSON string comes back as one; parse it so callers see one shape. */
function decodePayload(payload: unknown): unknown {
  if (typeof payload !== 'string') return payload;
  try {
    return JSON.parse(payload) as unknown;
  } catch {
    return payload;
  }
}

/** The newest deployment of `environment`, whatever its status; undefined when there is none. */
export async function readLatestRecord(
  octokit: Octokit,
  query: { readonly owner: string; readonly repo: string; readonly environment: string },
): Promise<StoredRecord | undefined> {
  const { owner, repo, environment } = query;
  try {
    const { data } = await octokit.rest.repos.listDeployments({ owner, repo, environment, per_page: 1 });
    const latest = data[0];
    if (!latest) return undefined;
    return {
      id: latest.id,
      ref: latest.ref,
      sha: latest.sha,
      payload: decodePayload(latest.payload),
      createdAt: latest.created_at,
    };
  } catch (error) {
    rethrowAsPermissionError(error, 'deployments: read', `list the deployments of ${where(owner, repo, environment)}`);
  }
}

/**
 * The newest deployment of `environment` and `task` whose payload `accept` takes (several jobs may
 * record into one environment), paging back as far as needed; undefined when there is none.
 */
export async function readLatestAcceptedRecord(
  octokit: Octokit,
  query: { readonly owner: string; readonly repo: string; readonly environment: string; readonly task: string; readonly accept: (payload: unknown) => boolean },
): Promise<StoredRecord | undefined> {
  const { owner, repo, environment, task } = query;
  try {
    for await (const { data } of octokit.paginate.iterator(octokit.rest.repos.listDeployments, { owner, repo, environment, task, per_page: 100 })) {
      for (const d of data) {
        const payload = decodePayload(d.payload);
        if (query.accept(payload)) return { id: d.id, ref: d.ref, sha: d.sha, payload, createdAt: d.created_at };
      }
    }
    return undefined;
  } catch (error) {
    rethrowAsPermissionError(error, 'deployments: read', `list the deployments of ${where(owner, repo, environment)}`);
  }
}
