/** Time port: services never read the system clock directly, so tests never sleep. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock that only moves when told to (tests). */
export class ManualClock implements Clock {
  constructor(private t = Date.UTC(2026, 10, 26, 12, 0, 0)) {}
  now(): number { return this.t; }
  advance(ms: number): void { this.t += ms; }
}
