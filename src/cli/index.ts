#!/usr/bin/env node
import { main } from './program.js';

// @actions/glob logs its search as `::debug::` workflow commands; only a runner has a use for them.
if (process.env.GITHUB_ACTIONS !== 'true') {
  const write = process.stdout.write.bind(process.stdout) as (...args: unknown[]) => boolean;
  process.stdout.write = ((chunk: unknown, ...rest: unknown[]) => (typeof chunk === 'string' && chunk.startsWith('::debug::') ? true : write(chunk, ...rest))) as typeof process.stdout.write;
}

process.exitCode = await main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env, cwd: process.cwd() });
