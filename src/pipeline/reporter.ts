/**
 * Where a run says what it does: the log, annotations, step outputs, the job summary and the
 * failure. The action writes them as workflow commands and runner files (`actionsReporter`); a
 * terminal can show the same run its own way. The pipeline and the modes talk only to this.
 */
import * as core from '@actions/core';
import { scrub } from '../secrets.js';

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

/**
 * The same reporter, with every message, annotation, output and summary scrubbed on the way out:
 * the secrets the run holds (read at each call, as sign-in adds some) and every credential shape,
 * whichever value carried them in.
 */
export function scrubbingReporter(reporter: Reporter, secrets: readonly string[]): Reporter {
  const clean = (text: string): string => scrub(text, secrets);
  const place = (at: Annotation | undefined): Annotation | undefined => (at?.file === undefined ? at : { ...at, file: clean(at.file) });
  return {
    info: (m) => reporter.info(clean(m)),
    notice: (m, at) => reporter.notice(clean(m), place(at)),
    warning: (m, at) => reporter.warning(clean(m), place(at)),
    error: (m, at) => reporter.error(clean(m), place(at)),
    startGroup: (name) => reporter.startGroup(clean(name)),
    endGroup: () => reporter.endGroup(),
    setOutput: (name, value) => reporter.setOutput(name, clean(value)),
    summary: (markdown) => reporter.summary(clean(markdown)),
    setFailed: (m) => reporter.setFailed(clean(m)),
    ...(reporter.progress ? { progress: (target: string, m: string) => reporter.progress?.(target, clean(m)) } : {}),
  };
}
