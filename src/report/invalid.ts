/**
 * The PR comment for a push whose definitions are invalid: it replaces the previous plan, which no
 * longer describes the pull request, with the problems found (capped).
 */
import type { DefinitionError } from '../model.js';
import { codeSpan, escapeMarkdown as esc, escapeMessage } from './escape.js';
import { type ReportContext, footer } from './markdown.js';

/** Problems listed in the comment; the annotations and the job summary have every one. */
export const INVALID_COMMENT_ERRORS = 20;

export function renderInvalidComment(marker: string, errors: readonly DefinitionError[], context: ReportContext): string {
  const sha = /^[0-9a-f]{7,64}$/i.test(context.sha) ? `\`${context.sha.slice(0, 7).toLowerCase()}\`` : esc(context.sha, 40);
  // As in the job summary: the code our messages quote reads as code, not as `&#96;`.
  const shown = errors.slice(0, INVALID_COMMENT_ERRORS).map((e) => `- ${codeSpan(`${e.location.file}:${e.location.line}`, 260)}: ${escapeMessage(e.message, 600)}`);
  if (errors.length > shown.length) shown.push(`- … and ${errors.length - shown.length} more (see the annotations and the job summary)`);
  return `${[
    marker,
    // No plan was made: the title must not promise one.
    '### Flink connectors: invalid definitions',
    `> [!CAUTION]\n> The connector definitions at commit ${sha} have ${errors.length} problem${errors.length === 1 ? '' : 's'}: no plan was made and nothing was sent to the API. An earlier plan on this pull request no longer applies.`,
    shown.join('\n'),
    footer(context),
  ].join('\n\n')}\n`;
}
