import * as core from '@actions/core';
import { run } from './action.js';

// run() reports its own failures; this catches what escapes even that, so a crash is one message
// (Node would otherwise print the offending source line of the bundle).
process.on('uncaughtException', (error) => core.setFailed(error instanceof Error ? error.message : String(error)));
await run();
