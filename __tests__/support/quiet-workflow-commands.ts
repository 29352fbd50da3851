/**
 * Code that runs inside the test process (the command line in-process, @actions/glob's search,
 * settings masking secrets, reporters) writes workflow commands (`::debug::`, `::add-mask::`, ...)
 * to stdout, where a runner would read them; in a test run they are noise between the reporter's
 * lines. Runs of the bundle are child processes whose output the tests read, untouched by this;
 * a test that reads the commands spies on `process.stdout.write` itself.
 */
const INSTALLED = Symbol.for('fca.quietWorkflowCommands');
const COMMAND = /^::[a-z][\w-]*( [^\n]*)?::/;

const holder = process.stdout as unknown as Record<symbol, boolean>;
if (!holder[INSTALLED]) {
  holder[INSTALLED] = true;
  const write = process.stdout.write.bind(process.stdout) as (...args: unknown[]) => boolean;
  process.stdout.write = ((chunk: unknown, ...rest: unknown[]) => {
    if (typeof chunk === 'string' && COMMAND.test(chunk)) {
      // The write's callback, if any, still runs: nothing waits forever on a dropped line.
      const callback = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
      callback?.();
      return true;
    }
    return write(chunk, ...rest);
  }) as typeof process.stdout.write;
}
