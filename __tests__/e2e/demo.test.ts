/** `npm run demo` is what a new user runs first: it must show the follow-up pull request's comment. */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
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

describe('npm run demo', () => {
  it('prints the follow-up pull request’s comment, whose replace changes only the JAR', async () => {
    const { code, output } = await runDemo();
    expect(code, output).toBe(0);
    const followUp = output.split('The comment on pull request #13')[1]?.split('\n====')[1] ?? '';
    expect(followUp).toContain('**Plan: 0 to register, 1 to replace, 0 to delete.**');
    const row = followUp.split('\n').find((l) => l.startsWith('| `-/+` | kafka-orders |')) ?? '';
    expect(row).toContain('the JAR changed<br><details><summary>JAR: kafka-orders-1.0.0.jar -&gt; kafka-orders-1.1.0.jar</summary>');
    // The headline reason is the whole story: no other difference is listed.
    expect(row).not.toContain('•');
    // The replace shows its impact, and the README and docs/example-comment.md show this very row.
    expect(row).toMatch(/<br>\*\*Impact:\*\* used by \d+ running deployments?: /);
    for (const doc of ['README.md', 'docs/example-comment.md']) expect(readFileSync(join(PROJECT_ROOT, doc), 'utf8'), doc).toContain(row);
  }, 120_000);
});
