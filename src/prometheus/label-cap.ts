/** What a label value becomes once its label has seen `max` distinct values. */
export const OTHER = '__other__';

/** Bounds the distinct values of each label: the first `max` values seen are kept, later ones become `__other__`. */
export class LabelCap {
  readonly #seen = new Map<string, Set<string>>();

  constructor(readonly max: number) {}

  value(label: string, value: string): string {
    let set = this.#seen.get(label);
    if (!set) this.#seen.set(label, (set = new Set()));
    if (set.has(value)) return value;
    if (set.size >= this.max) return OTHER;
    set.add(value);
    return value;
  }
}
