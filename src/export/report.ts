/** What `command: export` tells the log and the job summary. Pure. */
import { type Target, targetKey } from '../model.js';
import { codeSpan, escapeMarkdown, oneLine } from '../report/escape.js';
import type { ExportedFile } from './export.js';

export interface ExportReport {
  /** Log lines, one-line safe. */
  readonly log: readonly string[];
  readonly summary: string;
}

export function exportReport(files: readonly ExportedFile[], dir: string, targets: readonly Target[]): ExportReport {
  if (files.length === 0) {
    const where = targets.map((t) => targetKey(t)).join(', ');
    const text = `Nothing new to export: every live connector in ${where} is already declared.`;
    return { log: [oneLine(text, 2000)], summary: `### Flink connectors: export\n\n${escapeMarkdown(text, 2000)}\n` };
  }
  const log = files.map((f) => oneLine(`exported ${f.connector} from ${targetKey(f.target)} to ${f.path}${f.jarKnown ? '' : ' (jar_url unknown: placeholder)'}`, 1000));
  const rows = files.map((f) => `| ${escapeMarkdown(targetKey(f.target))} | ${escapeMarkdown(f.connector)} | ${codeSpan(f.path)} | ${f.jarKnown ? 'from the record' : 'placeholder: set it'} |`);
  const summary = `### Flink connectors: export\n\n${files.length} connector(s) exported to ${codeSpan(`${dir}/`)}.\n\n| Target | Connector | File | jar_url |\n|---|---|---|---|\n${rows.join('\n')}\n`;
  return { log, summary };
}
