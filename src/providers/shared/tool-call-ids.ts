import { randomUUID } from 'node:crypto';

/**
 * Tool-call ids of one response, made usable: the vendor's id when it gives a non-empty one not
 * seen before in the response, else a generated `call_<random>` id. Some OpenAI-style servers send
 * `""` (or the same id twice) for parallel calls; the tool results of the next turn must still find
 * their call, so every call of a response gets a distinct id.
 */
export class ToolCallIdAssigner {
  readonly #seen = new Set<string>();

  id(vendorId: string | null | undefined): string {
    let id = typeof vendorId === 'string' && vendorId !== '' && !this.#seen.has(vendorId) ? vendorId : generated();
    while (this.#seen.has(id)) id = generated();
    this.#seen.add(id);
    return id;
  }
}

function generated(): string {
  return `call_${randomUUID().replaceAll('-', '').slice(0, 24)}`;
}
