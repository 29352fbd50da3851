/**
 * The Reporter for a terminal: readable lines instead of workflow commands, colour only on a TTY
 * (and never with NO_COLOR), definition errors as `file:line:col: message` so editors can jump to
 * them, and a live line per namespace while an apply waits. Inside GitHub Actions the annotations
 * are written as workflow commands as well, so another workflow's run shows them on the files.
 */
import type { Annotation, Reporter } from '../pipeline/reporter.js';

export interface TerminalStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

export interface TerminalReporter extends Reporter {
  /** What the action would have set as step outputs (`plan-json`, `result`, ...). */
  readonly outputs: ReadonlyMap<string, string>;
  readonly failures: readonly string[];
  /** Clears the live lines, if any. */
  close(): void;
}

/** https://no-color.org: present and not empty turns colour off. */
export function colourWanted(stream: TerminalStream, env: NodeJS.ProcessEnv): boolean {
  return !!stream.isTTY && !env.NO_COLOR && env.TERM !== 'dumb';
}

const CODES = { red: 31, yellow: 33, green: 32, cyan: 36, dim: 2, bold: 1 } as const;
type Style = keyof typeof CODES;

/**
 * Control characters could move the cursor or retitle the terminal, and a line break inside a value
 * (a key or a file name from a pull request) would start a line of its own, which a runner reads as
 * a workflow command (`::stop-commands::` silences the real annotations): a value is one line.
 */
const BREAKING = /[\p{Cc}\u0085\u2028\u2029]/gu;

const flat = (text: string): string => text.replace(BREAKING, ' ');

/**
 * A text of several lines of our own (a plan): its lines are kept, but none may start a workflow
 * command, whatever value it quotes.
 */
const clean = (text: string): string =>
  text
    .split(/\r?\n/)
    .map((line) => flat(line).replace(/^(\s*):(?=:)/, '$1: '))
    .join('\n');

/** The colour of a plan or apply line, by the symbol it starts with (see report/format.ts). */
function lineStyle(line: string): Style | undefined {
  const head = line.trimStart();
  if (head.startsWith('-/+ ') || head.startsWith('~ ')) return 'yellow';
  if (head.startsWith('+ ') || head.startsWith('registered ') || head.startsWith('replaced ')) return 'green';
  if (head.startsWith('- ') || head.startsWith('deleted ')) return 'red';
  if (head.startsWith('! ')) return 'yellow';
  if (head.startsWith('Plan: ') || head === 'No changes.' || head.startsWith('Record: ')) return 'bold';
  return undefined;
}

function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** A workflow command as the runner reads it (the format @actions/core writes). */
export function workflowCommand(kind: 'error' | 'warning' | 'notice', message: string, at?: Annotation): string {
  const props = [
    at?.title !== undefined ? `title=${escapeProperty(at.title)}` : undefined,
    at?.file !== undefined ? `file=${escapeProperty(at.file)}` : undefined,
    at?.startLine !== undefined ? `line=${at.startLine}` : undefined,
    at?.startColumn !== undefined ? `col=${at.startColumn}` : undefined,
  ].filter((p) => p !== undefined);
  return `::${kind}${props.length > 0 ? ` ${props.join(',')}` : ''}::${escapeData(message)}`;
}

/** `file:line:col`, the place form compilers and linters print. */
export function place(at: Annotation | undefined): string | undefined {
  if (!at?.file) return undefined;
  return [at.file, at.startLine ?? 1, at.startColumn ?? 1].join(':');
}

export function terminalReporter(stream: TerminalStream, env: NodeJS.ProcessEnv): TerminalReporter {
  const colour = colourWanted(stream, env);
  const annotate = env.GITHUB_ACTIONS === 'true';
  const paint = (style: Style | undefined, text: string): string => (colour && style ? `\u001b[${CODES[style]}m${text}\u001b[0m` : text);
  const outputs = new Map<string, string>();
  const failures: string[] = [];
  // Live lines: the last progress of each namespace, redrawn in place below the log.
  const live = new Map<string, string>();
  let drawn = 0;

  const erase = (): void => {
    if (drawn > 0) stream.write(`\u001b[${drawn}F\u001b[J`);
    drawn = 0;
  };
  const draw = (): void => {
    const width = Math.max(20, (stream.columns ?? 80) - 1);
    for (const line of live.values()) stream.write(`${paint('dim', line.length > width ? `${line.slice(0, width - 1)}…` : line)}\n`);
    drawn = live.size;
  };
  const print = (text: string): void => {
    erase();
    stream.write(`${text}\n`);
    draw();
  };
  const issue = (kind: 'error' | 'warning' | 'notice', style: Style, raw: string, at?: Annotation): void => {
    const message = flat(raw);
    const where = place(at && { ...at, file: at.file && flat(at.file) });
    print(where ? `${paint('bold', `${where}:`)} ${kind === 'error' ? '' : `${paint(style, kind)}: `}${message}` : `${paint(style, kind)}: ${message}`);
    if (annotate) print(workflowCommand(kind, raw, at));
  };

  return {
    outputs,
    failures,
    info: (message) => print(clean(message).split('\n').map((line) => paint(lineStyle(line), line)).join('\n')),
    notice: (message, at) => issue('notice', 'cyan', message, at),
    warning: (message, at) => issue('warning', 'yellow', message, at),
    error: (message, at) => issue('error', 'red', message, at),
    startGroup: (name) => print(paint('bold', `▸ ${flat(name)}`)),
    endGroup: () => {
      // A namespace's wait is over when the group it ran in ends.
      erase();
      live.clear();
    },
    setOutput: (name, value) => void outputs.set(name, value),
    // The job summary repeats, in Markdown, what the log already said.
    summary: async () => undefined,
    setFailed: (message) => {
      failures.push(message);
      print(`${paint('red', 'error')}: ${clean(message)}`);
    },
    progress: (key, message) => {
      if (!stream.isTTY) return print(flat(message));
      erase();
      live.set(key, flat(message));
      draw();
    },
    close: () => {
      erase();
      live.clear();
    },
  };
}
