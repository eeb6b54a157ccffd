/** Emergency controls: disabled models/providers and forced models, changed at runtime. */
export class Controls {
  readonly #disabled = new Set<string>();
  /** Forced model per tenant; the key `''` applies to every tenant without its own. */
  readonly #forced = new Map<string, string>();

  disable(target: string): boolean {
    const had = this.#disabled.has(target);
    this.#disabled.add(target);
    return !had;
  }

  enable(target: string): boolean {
    return this.#disabled.delete(target);
  }

  isDisabled(model: string, provider: string): boolean {
    return this.#disabled.has(model) || this.#disabled.has(provider);
  }

  disabled(): string[] {
    return [...this.#disabled];
  }

  force(model: string, tenant: string | undefined): void {
    this.#forced.set(tenant ?? '', model);
  }

  unforce(tenant: string | undefined): boolean {
    return this.#forced.delete(tenant ?? '');
  }

  forcedFor(tenant: string | undefined): string | undefined {
    return (tenant !== undefined ? this.#forced.get(tenant) : undefined) ?? this.#forced.get('');
  }
}
