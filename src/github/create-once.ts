/**
 * GitHub POSTs create something each time they run, so a POST whose answer was lost (a 5xx or a
 * broken connection after GitHub acted) must not simply be sent again. These calls go out with the
 * retry plugin switched off (`NO_RETRY`); `createOnce` retries them itself, looking first for what
 * a lost attempt may have created.
 */
import { GITHUB_RETRIES } from './client.js';
import { httpStatusOf } from './errors.js';

/** Per-request options that keep @octokit/plugin-retry from repeating a POST blindly. */
export const NO_RETRY = { request: { retries: 0 } } as const;

/** A failure after which GitHub may still have carried the request out. */
function mayHaveActed(error: unknown): boolean {
  const status = httpStatusOf(error);
  return status === undefined || status >= 500;
}

export async function createOnce<T>(
  create: () => Promise<T>,
  /** What a lost attempt left behind, if anything. */
  lookup: () => Promise<T | undefined>,
  options: { attempts?: number; sleep?: (ms: number) => Promise<void> } = {},
): Promise<T> {
  const attempts = options.attempts ?? 1 + GITHUB_RETRIES.retries;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  for (let n = 1; ; n++) {
    try {
      return await create();
    } catch (error) {
      if (!mayHaveActed(error) || n >= attempts) throw error;
      const found = await lookup().catch(() => undefined);
      if (found !== undefined) return found;
      await sleep(GITHUB_RETRIES.retryAfterBaseValue * n * n);
    }
  }
}
