import { describe, expect, it } from 'vitest';
import { terminalReporter } from '../../src/cli/terminal-reporter.js';

function stream(isTTY: boolean) {
  const chunks: string[] = [];
  return { chunks, text: () => chunks.join(''), isTTY, columns: 60, write: (s: string) => chunks.push(s) };
}

const ESC = '\u001b[';

describe('terminal reporter', () => {
  it('prints definition errors as file:line:col: message, without workflow commands', () => {
    const s = stream(false);
    const out = terminalReporter(s, {});
    out.error('`connector_type` is required', { file: 'connectors/a.yaml', startLine: 3, startColumn: 5, title: 'Invalid connector definition' });
    out.warning('will be deleted', { file: 'connectors/b.yaml', startLine: 7 });
    out.error('no place');
    expect(s.text()).toBe('connectors/a.yaml:3:5: `connector_type` is required\nconnectors/b.yaml:7:1: warning: will be deleted\nerror: no place\n');
  });

  it('adds GitHub annotations when GITHUB_ACTIONS is set', () => {
    const s = stream(false);
    terminalReporter(s, { GITHUB_ACTIONS: 'true' }).error('bad: value, 100%', { file: 'c/a,b.yaml', startLine: 3, startColumn: 5 });
    expect(s.chunks[1]).toBe('::error file=c/a%2Cb.yaml,line=3,col=5::bad: value, 100%25\n');
  });

  it('colours on a TTY only, and never with NO_COLOR', () => {
    const plan = '  + register kafka (type kafka) — new\n  -/+ replace x — jar\nPlan: 1 to register, 1 to replace, 0 to delete.';
    const tty = stream(true);
    terminalReporter(tty, {}).info(plan);
    expect(tty.text()).toContain(`${ESC}32m  + register kafka`);
    expect(tty.text()).toContain(`${ESC}33m  -/+ replace x`);
    for (const [s, env] of [
      [stream(false), {}],
      [stream(true), { NO_COLOR: '1' }],
    ] as const) {
      terminalReporter(s, env).info(plan);
      expect(s.text()).toBe(`${plan}\n`);
    }
  });

  it('keeps one live line per namespace on a TTY, plain lines otherwise', () => {
    const tty = stream(true);
    const out = terminalReporter(tty, { NO_COLOR: '1' });
    out.progress?.('ws/a', 'waiting for x in ws/a: x (waited 5.0 s)');
    out.progress?.('ws/b', 'waiting for y in ws/b: y (waited 5.0 s)');
    out.progress?.('ws/a', 'waiting for x in ws/a: x (waited 10.0 s)');
    out.info('registered y in ws/b');
    out.endGroup();
    // Each update erases the block drawn before it (cursor up N lines, clear) and draws it again.
    expect(tty.chunks).toEqual([
      'waiting for x in ws/a: x (waited 5.0 s)\n',
      `${ESC}1F${ESC}J`,
      'waiting for x in ws/a: x (waited 5.0 s)\n',
      'waiting for y in ws/b: y (waited 5.0 s)\n',
      `${ESC}2F${ESC}J`,
      'waiting for x in ws/a: x (waited 10.0 s)\n',
      'waiting for y in ws/b: y (waited 5.0 s)\n',
      `${ESC}2F${ESC}J`,
      'registered y in ws/b\n',
      'waiting for x in ws/a: x (waited 10.0 s)\n',
      'waiting for y in ws/b: y (waited 5.0 s)\n',
      `${ESC}2F${ESC}J`,
    ]);
    const plain = stream(false);
    const logged = terminalReporter(plain, {});
    logged.progress?.('ws/a', 'waiting 1');
    logged.progress?.('ws/a', 'waiting 2');
    expect(plain.text()).toBe('waiting 1\nwaiting 2\n');
  });

  it('keeps outputs and failures, and strips control characters', () => {
    const s = stream(false);
    const out = terminalReporter(s, {});
    out.setOutput('result', 'failed');
    out.setFailed('boom');
    out.info('evil \u001b]0;title\u0007 name');
    expect(out.outputs.get('result')).toBe('failed');
    expect(out.failures).toEqual(['boom']);
    expect(s.text()).toBe('error: boom\nevil  ]0;title  name\n');
  });
});
