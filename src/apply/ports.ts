/** Time, injectable so waits can be tested without waiting. */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** Where progress goes (the Actions log in production). */
export interface Logger {
  info(message: string): void;
  warning(message: string): void;
  /** Progress of a wait on one target (`workspace/namespace`); absent: `info`. */
  progress?(target: string, message: string): void;
}
