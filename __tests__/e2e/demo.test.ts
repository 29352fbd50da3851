/**
 * `npm run demo` is what a new user runs first: it must show the follow-up pull request's comment,
 * and every comment it posts must read, once rendered as GitHub renders markdown, the way a
 * reviewer relies on: risk before the tables, the outcome before the plan after an apply, and no
 * markdown or entity showing as text.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { marked } from 'marked';
import { beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../scripts/local-runner.js';

function runDemo(): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/demo.ts'], { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.stderr.on('data', (c: Buffer) => chunks.push(c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output: Buffer.concat(chunks).toString('utf8') }));
  });
}

/** The text printed under the demo's banner that starts with `title`. */
function section(output: string, title: string): string {
  const parts = output.split(/\n={78}\n/);
  const at = parts.findIndex((p) => p.startsWith(title));
  return at < 0 ? '' : (parts[at + 1] ?? '').trim();
}

/** GitHub-flavoured markdown to HTML, as the comment is shown (GitHub comments keep single line breaks). */
const html = (markdown: string): string => marked.parse(markdown, { gfm: true, breaks: true, async: false });

/** What a reader sees outside code: tags dropped, code spans and blocks dropped, entities decoded once. */
function visibleText(rendered: string): string {
  return rendered
    .replace(/<code>[\s\S]*?<\/code>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#(\d+);/g, (_m, n: string) => String.fromCodePoint(Number(n)))
    .replace(/&(lt|gt|quot|amp);/g, (_m, e: string) => ({ lt: '<', gt: '>', quot: '"', amp: '&' })[e] ?? '');
}

describe('npm run demo', () => {
  let code: number | null = null;
  let output = '';
  beforeAll(async () => {
    ({ code, output } = await runDemo());
  }, 120_000);

  it('prints the follow-up pull request’s comment, whose replace changes only the JAR', () => {
    expect(code, output).toBe(0);
    const followUp = section(output, 'The comment on pull request #13');
    expect(followUp).toContain('**Plan: 0 to register, 1 to replace, 0 to delete.**');
    const row = followUp.split('\n').find((l) => l.startsWith('| **replace** | kafka-orders |')) ?? '';
    expect(row).toContain('the JAR changed<br><details><summary>JAR: kafka-orders-1.0.0.jar -&gt; kafka-orders-1.1.0.jar</summary>');
    // The headline reason is the whole story: no other difference is listed.
    expect(row).not.toContain('•');
    // The replace shows its impact, and the README and docs/example-comment.md show this very row.
    expect(row).toMatch(/\*\*Impact:\*\* used by \d+ running deployments?: /);
    for (const doc of ['README.md', 'docs/example-comment.md']) expect(readFileSync(join(PROJECT_ROOT, doc), 'utf8'), doc).toContain(row);
  });

  it('keeps docs/example-comment.md and the README true to the comments it posts (volatile parts aside)', () => {
    const stable = (body: string): string => body.replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/g, 'TIME').replace(/\d+\.\d s\b/g, 'N s');
    const docs = stable(readFileSync(join(PROJECT_ROOT, 'docs/example-comment.md'), 'utf8'));
    const readme = stable(readFileSync(join(PROJECT_ROOT, 'README.md'), 'utf8'));
    const posted = ['The comment on pull request #12', 'The same comment on pull request #12', 'The comment on pull request #13', 'The same comment on pull request #13'].map((t) => section(output, t));
    for (const body of posted) expect(body).not.toBe('');
    for (const body of posted) expect(docs).toContain(stable(body));
    expect(readme).toContain(stable(posted[2] ?? ''));
  });

  it('puts the jobs a replace touches in a Caution before the first table', () => {
    const rendered = html(section(output, 'The comment on pull request #13'));
    const caution = rendered.indexOf('[!CAUTION]');
    expect(caution).toBeGreaterThan(0);
    expect(caution).toBeLessThan(rendered.indexOf('<table>'));
    const risk = rendered.slice(caution, rendered.indexOf('</blockquote>', caution)).replace(/<[^>]+>/g, '');
    expect(risk).toMatch(/kafka-orders.*replace — \d+ running deployments?, \d+ jobs? keeps? the old JAR until they restart: /);
  });

  it('after the apply, says the outcome first in the past tense, the plan folded below it', () => {
    const rendered = html(section(output, 'The same comment on pull request #12'));
    const text = visibleText(rendered);
    const outcome = text.search(/Applied 4 of 4 at/);
    expect(outcome).toBeGreaterThan(0);
    expect(rendered.indexOf('<h3>')).toBeLessThan(rendered.indexOf('Applied 4 of 4'));
    expect(rendered).toMatch(/<h3>Flink connectors applied: /);
    expect(outcome).toBeLessThan(text.indexOf('The plan: Plan: 4 to register, 0 to replace, 0 to delete.'));
    expect(rendered.indexOf('Applied 4 of 4')).toBeLessThan(rendered.indexOf('<details><summary>The plan'));
    // The outcome table has no column of dashes only.
    expect(rendered).not.toMatch(/<td>—<\/td>/);
  });

  it('renders no markdown or entity as text, and no blank line after a folded JAR', () => {
    for (const title of ['The comment on pull request #12', 'The same comment on pull request #12', 'The comment on pull request #13']) {
      const body = section(output, title);
      const text = visibleText(html(body));
      expect(text, title).not.toContain('`');
      expect(text, title).not.toMatch(/&(#\d+|[a-z]+);/);
      expect(text, title).not.toMatch(/\*\*|\[!(?!CAUTION|WARNING|NOTE|IMPORTANT)/);
      expect(body, title).not.toContain('</details><br>');
    }
  });
});
