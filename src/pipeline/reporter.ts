/**
 * Where a run says what it does: the log, annotations, step outputs, the job summary and the
 * failure. The action writes them as workflow commands and runner files (`actionsReporter`); a
 * terminal can show the same run its own way. The pipeline and the modes talk only to this.
 */
import * as core from '@actions/core';

/** A place in a definition file an annotation points at. */
export interface Annotation {
  readonly title?: string;
  readonly file?: string;
  readonly startLine?: number;
  readonly startColumn?: number;
}

export interface Reporter {
  info(message: string): void;
  notice(message: string, at?: Annotation): void;
  warning(message: string, at?: Annotation): void;
  error(message: string, at?: Annotation): void;
  startGroup(name: string): void;
  endGroup(): void;
  setOutput(name: string, value: string): void;
  /** Appends Markdown to the job summary. */
  summary(markdown: string): Promise<void>;
  /** Marks the run failed with this message (the run goes on to report). */
  setFailed(message: string): void;
  /** How a wait on one target is going; a terminal shows the latest per target on one live line. Absent: logged with `info`. */
  progress?(target: string, message: string): void;
}

const SUMMARY_FILE = 'GITHUB_STEP_SUMMARY';

export const actionsReporter: Reporter = {
  info: (m) => core.info(m),
  notice: (m, at) => core.notice(m, at ?? {}),
  warning: (m, at) => core.warning(m, at ?? {}),
  error: (m, at) => core.error(m, at ?? {}),
  startGroup: (name) => core.startGroup(name),
  endGroup: () => core.endGroup(),
  setOutput: (name, value) => core.setOutput(name, value),
  // Without a summary file (older GitHub Enterprise Server, `act`, local runs) the summary is a
  // warning, not a failure: the log says everything the summary does.
  summary: async (markdown) => {
    if (!process.env[SUMMARY_FILE]) {
      core.warning(`No job summary file (${SUMMARY_FILE} is not set): the summary was not written; the log has the same content.`);
      return;
    }
    try {
      await core.summary.addRaw(markdown).write();
    } catch (error) {
      core.warning(`Could not write the job summary: ${error instanceof Error ? error.message : String(error)}`);
    }
  },
  setFailed: (m) => core.setFailed(m),
};
