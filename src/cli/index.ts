#!/usr/bin/env node
import { main } from './program.js';

// @actions/glob logs its search as `::debug::` workflow commands; only a runner has a use for them.
if (process.env.GITHUB_ACTIONS !== 'true') {
  const write = process.stdout.write.bind(process.stdout) as (...args: unknown[]) => boolean;
  process.stdout.write = ((chunk: unknown, ...rest: unknown[]) => (typeof chunk === 'string' && chunk.startsWith('::debug::') ? true : write(chunk, ...rest))) as typeof process.stdout.write;
}

// `npm run sandbox -- --dir DIR` runs in this package's folder; DIR is meant from where it was typed.
const cwd = process.env.npm_lifecycle_event === 'sandbox' && process.env.npm_package_name === 'flink-connector-action' ? (process.env.INIT_CWD ?? process.cwd()) : process.cwd();

process.exitCode = await main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env, cwd });
