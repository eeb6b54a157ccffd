/**
 * A fixed-window reservoir: `size` units per window of `intervalMs`, refilled whole at each window
 * boundary (windows counted from `start`). What was taken may be corrected within the same window.
 */
export class Reservoir {
  #left: number;
  #window = 0;

  constructor(
    readonly size: number,
    private readonly intervalMs: number,
    private readonly start: number,
  ) {
    this.#left = size;
  }

  #roll(at: number): void {
    const window = Math.floor((at - this.start) / this.intervalMs);
    if (window > this.#window) {
      this.#window = window;
      this.#left = this.size;
    }
  }

  has(units: number, at: number): boolean {
    this.#roll(at);
    return this.#left >= units;
  }

  /** Takes `units` (the caller checked `has`); returns the window they were taken from. */
  take(units: number, at: number): number {
    this.#roll(at);
    this.#left -= units;
    return this.#window;
  }

  /**
   * Gives back `units` taken in `window` (negative: takes more), never above `size`. A correction
   * for a window that has already ended changes nothing: the refill replaced it.
   */
  give(units: number, window: number, at: number): void {
    this.#roll(at);
    if (window === this.#window) this.#left = Math.min(this.size, this.#left + units);
  }

  /** Time until the next refill. */
  msUntilRefill(at: number): number {
    this.#roll(at);
    return this.start + (this.#window + 1) * this.intervalMs - at;
  }
}
