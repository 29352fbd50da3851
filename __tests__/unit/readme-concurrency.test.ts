/**
 * The README's workflow is what users copy: its concurrency block must keep plans of one pull
 * request in one group that cancels (only the last plan shown counts) and applies of a target in
 * another group that never cancels. The expressions are evaluated here for each event, and
 * GitHub's rule (one running, one pending, a newly queued run cancels the pending one) is played
 * over two quick merges: the surviving apply is the one `review-set.test.ts` shows carrying both.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../scripts/local-runner.js';

type Context = Record<string, unknown>;

/** Evaluates the small part of the Actions expression language the block uses. */
function evaluate(expression: string, context: Context): unknown {
  const tokens = expression.match(/'(?:[^']|'')*'|==|&&|\|\||[(),]|[A-Za-z_][\w.-]*/g) ?? [];
  let at = 0;
  const peek = (): string | undefined => tokens[at];
  const next = (): string => tokens[at++] ?? '';
  const primary = (): unknown => {
    const token = next();
    if (token === '(') {
      const value = or();
      next();
      return value;
    }
    if (token.startsWith("'")) return token.slice(1, -1).replace(/''/g, "'");
    if (token === 'format' && peek() === '(') {
      next();
      const args: unknown[] = [or()];
      while (peek() === ',') {
        next();
        args.push(or());
      }
      next();
      const [template, ...values] = args;
      return String(template).replace(/\{(\d+)\}/g, (_, i: string) => String(values[Number(i)] ?? ''));
    }
    return token.split('.').reduce<unknown>((value, part) => (value as Context | undefined)?.[part], context);
  };
  const equality = (): unknown => {
    const left = primary();
    if (peek() !== '==') return left;
    next();
    return left === primary();
  };
  const and = (): unknown => {
    let value = equality();
    while (peek() === '&&') {
      next();
      const right = equality();
      value = value ? right : value;
    }
    return value;
  };
  const or = (): unknown => {
    let value = and();
    while (peek() === '||') {
      next();
      const right = and();
      value = value || right;
    }
    return value;
  };
  return or();
}

function interpolate(value: unknown, context: Context): unknown {
  if (typeof value !== 'string') return value;
  const whole = /^\$\{\{(.*)\}\}$/s.exec(value.trim());
  if (whole) return evaluate(whole[1] ?? '', context);
  return value.replace(/\$\{\{(.*?)\}\}/g, (_, e: string) => String(evaluate(e, context)));
}

const readme = readFileSync(join(PROJECT_ROOT, 'README.md'), 'utf8');
interface Concurrency {
  group: string;
  'cancel-in-progress': string | boolean;
}
const workflow = yaml.load(/```yaml\n(# .github\/workflows\/flink-connectors.yml\n[\s\S]*?)```/.exec(readme)?.[1] ?? '') as {
  concurrency?: Concurrency;
  jobs: Record<string, { if?: string; concurrency?: Concurrency }>;
};

/** The concurrency of the job that runs for this event (its `if:` holds), else the workflow's. */
function blockFor(context: Context): Concurrency {
  const jobs = Object.values(workflow.jobs).filter((job) => job.if === undefined || interpolate(`\${{ ${job.if} }}`, context) === true);
  expect(jobs).toHaveLength(1);
  const block = jobs[0]?.concurrency ?? workflow.concurrency;
  if (!block) throw new Error('no concurrency block for this event');
  return block;
}

function concurrencyOf(context: Context): { group: string; cancel: boolean } {
  const block = blockFor(context);
  const cancel = interpolate(block['cancel-in-progress'], context);
  return { group: String(interpolate(block.group, context)), cancel: cancel === true || cancel === 'true' };
}

const vars = { FLINK_WORKSPACE_ID: 'ws-1' };
const plan = (pr: number): Context => ({ github: { event_name: 'pull_request', event: { pull_request: { number: pr } } }, vars });
const push = (): Context => ({ github: { event_name: 'push', event: {} }, vars });

describe("the README's concurrency block", () => {
  it('puts the plans of one PR in one group that cancels, and other PRs elsewhere', () => {
    expect(concurrencyOf(plan(7))).toEqual({ group: 'flink-connectors-plan-7', cancel: true });
    expect(concurrencyOf(plan(8)).group).not.toBe(concurrencyOf(plan(7)).group);
  });

  it('puts every apply of the target in one group that never cancels, apart from the plans', () => {
    expect(concurrencyOf(push())).toEqual({ group: 'flink-connectors-apply-ws-1-default', cancel: false });
    expect(concurrencyOf(push()).group).not.toBe(concurrencyOf(plan(7)).group);
  });

  it('under GitHub rules, a plan never cancels an apply; of two quick merges the newer apply survives', () => {
    // One running and one pending per group; a newly queued run cancels the pending one.
    const running = new Map<string, string>();
    const pending = new Map<string, string>();
    const cancelled: string[] = [];
    const queue = (name: string, context: Context): void => {
      const { group, cancel } = concurrencyOf(context);
      if (!running.has(group)) return void running.set(group, name);
      if (cancel) {
        cancelled.push(running.get(group) ?? '');
        running.set(group, name);
        return;
      }
      const before = pending.get(group);
      if (before) cancelled.push(before);
      pending.set(group, name);
    };
    queue('apply of M1', push());
    queue('apply of M2 (#22)', push());
    queue('plan of #24', plan(24));
    queue('apply of M3 (#23)', push());
    expect(cancelled).toEqual(['apply of M2 (#22)']);
    expect(pending.get(concurrencyOf(push()).group)).toBe('apply of M3 (#23)');
  });
});
