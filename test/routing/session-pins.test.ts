import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SessionPins } from '../../src/routing/scope/sessions.js';

/** The model: pins in least-recently-set order, each with its model and expiry. */
class ModelPins {
  pins: Array<{ key: string; model: string; expiresAt: number }> = [];
  constructor(
    private readonly ttl: number,
    private readonly max: number,
    private readonly now: () => number,
  ) {}
  get(key: string): string | undefined {
    const i = this.pins.findIndex((p) => p.key === key);
    if (i < 0) return undefined;
    if (this.pins[i]!.expiresAt <= this.now()) {
      this.pins.splice(i, 1);
      return undefined;
    }
    return this.pins[i]!.model;
  }
  set(key: string, model: string): void {
    this.pins = this.pins.filter((p) => p.key !== key);
    this.pins.push({ key, model, expiresAt: this.now() + this.ttl });
    while (this.pins.length > this.max) this.pins.shift();
  }
}

describe('SessionPins', () => {
  it('behaves like a least-recently-set list with expiry, whatever the mix of sets (repeated or not), reads and time (property)', () => {
    const step = fc.oneof(
      fc.record({ set: fc.constantFrom('a', 'b', 'c', 'd'), model: fc.constantFrom('gpt', 'claude', 'qwen') }),
      fc.record({ get: fc.constantFrom('a', 'b', 'c', 'd') }),
      fc.record({ wait: fc.integer({ min: 0, max: 40 }) }),
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 60 }), fc.integer({ min: 0, max: 3 }), (steps, max) => {
        let t = 1_000;
        const now = () => t;
        const pins = new SessionPins(50, max, now);
        const model = new ModelPins(50, max, now);
        for (const s of steps) {
          if ('set' in s) {
            pins.set(s.set, s.model);
            model.set(s.set, s.model);
          } else if ('get' in s) expect(pins.get(s.get)).toBe(model.get(s.get));
          else t += s.wait;
          expect(pins.size).toBe(model.pins.length);
        }
        for (const key of ['a', 'b', 'c', 'd']) expect(pins.get(key)).toBe(model.get(key));
      }),
      { numRuns: 1_000 },
    );
  });

  it('a session set again in a row keeps its place as the most recent and takes the new model and expiry', () => {
    let t = 0;
    const pins = new SessionPins(100, 2, () => t);
    pins.set('会话-1', 'gpt');
    pins.set('会话-2', 'gpt');
    t = 60;
    pins.set('会话-2', 'claude'); // the newest again: updated in place
    pins.set('会话-3', 'qwen'); // evicts the least recently set, 会话-1
    expect([pins.get('会话-1'), pins.get('会话-2'), pins.get('会话-3')]).toEqual([undefined, 'claude', 'qwen']);
    t = 159;
    expect(pins.get('会话-2')).toBe('claude'); // expiry moved to 60 + 100
    t = 160;
    expect(pins.get('会话-2')).toBeUndefined();
  });
});
