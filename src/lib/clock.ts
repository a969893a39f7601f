/** The clock as a dependency, so that rules depending on "today" (the 16-year rule) are testable. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
