/**
 * What every mode of a run shares: its collaborators, the settings and the report context, plus the
 * few helpers that end a run. Modes receive a `RunContext` instead of reaching for globals.
 */
import type { Clock } from '../apply/ports.js';
import type { readDefinitionFiles } from '../definitions/files.js';
import type { Octokit } from '../github/client.js';
import type { ReportContext } from '../report/markdown.js';
import { scrub } from '../secrets.js';
import type { Settings } from '../settings.js';
import type { ConnectorApi, UsageApi, ValidationApi } from '../ververica/connectors.js';
import { type Reporter, scrubbingReporter } from './reporter.js';

export interface Dependencies {
  readonly settings: Settings;
  /** Built only once the definitions are valid, so bad input never reaches the API. */
  readonly connectorApi: () => Promise<ConnectorApi & UsageApi & ValidationApi>;
  /** Absent when there is no token or no repository to talk to. */
  readonly octokit?: Octokit;
  readonly readDefinitionFiles: typeof readDefinitionFiles;
  /** Writes files under the repository root (for `command: export`). */
  readonly writeFiles: (files: ReadonlyArray<{ path: string; content: string }>) => Promise<void>;
  readonly clock: Clock;
  /** Values to scrub from messages; grows when sign-in obtains credentials. */
  readonly secrets: readonly string[];
  /** Where the run reports: workflow commands and runner files for the action. */
  readonly reporter: Reporter;
}

export type Mode = 'plan' | 'apply' | 'export' | 'check';
export type RunResult = 'planned' | 'applied' | 'failed' | 'no-op';

export interface RunContext {
  readonly deps: Dependencies;
  readonly settings: Settings;
  readonly report: ReportContext;
  readonly out: Reporter;
}

export const PULL_REQUEST_EVENTS: ReadonlySet<string> = new Set(['pull_request', 'pull_request_target']);

export function runContext(deps: Dependencies): RunContext {
  const e = deps.settings.event;
  return { deps, settings: deps.settings, out: scrubbingReporter(deps.reporter, deps.secrets), report: { sha: e.sha, runUrl: e.runUrl, time: new Date(deps.clock.now()), eventName: e.name } };
}

export function fail(ctx: Pick<RunContext, 'out'>, message: string): RunResult {
  ctx.out.setOutput('result', 'failed');
  ctx.out.setFailed(message);
  return 'failed';
}

export const messageOf = (error: unknown, secrets: readonly string[]): string => scrub(error instanceof Error ? error.message : String(error), secrets);
