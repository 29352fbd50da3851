/**
 * The action's entry as a module: `run()` takes no arguments and reads everything from the runner's
 * environment (the actions/typescript-action layout), so GitHub's local runner can import and call it:
 *
 *   npx @github/local-action . src/action.ts .env
 */
import { start } from './start.js';

/** Runs the action once, as the runner does; failures are reported, never thrown. */
export function run(): Promise<void> {
  return start();
}
