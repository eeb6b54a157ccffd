import { z } from 'zod';
import { RegisterFeed } from '../../state/register-feed.js';
import type { SharedStore } from '../../state/shared.js';

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

  /** Every control in force, as data (what a shared store keeps). */
  snapshot(): ControlsSnapshot {
    return { disabled: [...this.#disabled].sort(), forced: Object.fromEntries([...this.#forced].sort(([a], [b]) => (a < b ? -1 : 1))) };
  }

  /** Replaces every control by those of `snapshot`. */
  replace(snapshot: ControlsSnapshot): void {
    this.#disabled.clear();
    this.#forced.clear();
    for (const target of snapshot.disabled) this.#disabled.add(target);
    for (const [tenant, model] of Object.entries(snapshot.forced)) this.#forced.set(tenant, model);
  }
}

/** The controls as data: disabled targets and the forced model per tenant (`''`: every tenant). */
export interface ControlsSnapshot {
  disabled: string[];
  forced: Record<string, string>;
}

/** One use of an emergency control. */
export type ControlChange =
  | { action: 'disable' | 'enable'; target: string }
  | { action: 'force'; model: string; tenant: string | undefined }
  | { action: 'unforce'; tenant: string | undefined };

export function applyControl(controls: Controls, change: ControlChange): void {
  switch (change.action) {
    case 'disable':
      controls.disable(change.target);
      return;
    case 'enable':
      controls.enable(change.target);
      return;
    case 'force':
      controls.force(change.model, change.tenant);
      return;
    case 'unforce':
      controls.unforce(change.tenant);
      return;
    default: {
      const never: never = change;
      return never;
    }
  }
}

const snapshotSchema = z.object({ disabled: z.array(z.string()), forced: z.record(z.string(), z.string()) });

export interface SharedControlsOptions {
  /** Register key of the controls in the store. Default `switchyard:controls`. */
  key?: string;
  /** Keeps only what this process can apply (a forced model it does not know would refuse every request). */
  accept?: (snapshot: ControlsSnapshot) => ControlsSnapshot;
  /**
   * Controls changed by another process and learned here (a notification or a resync), as the
   * changes that turn the controls in force here into the new ones. Not called for the first read
   * (the controls in force at start are not a change) nor for this process's own changes.
   */
  onRemote?: (changes: ControlChange[]) => void;
}

/**
 * The emergency controls of every process on one shared store: one versioned register holds them
 * all, each change is a compare-and-set on it followed by a notification, and each process re-reads
 * the register when notified (or on `resync`). The local {@link Controls} stay what requests read,
 * synchronously: a change made here applies here at once and reaches the store right after. A change
 * the store could not take stays pending and is written again on the next resync or change.
 */
export class SharedControls {
  readonly #store: SharedStore;
  readonly #controls: Controls;
  readonly #key: string;
  readonly #channel: string;
  readonly #accept: (snapshot: ControlsSnapshot) => ControlsSnapshot;
  readonly #onRemote: ((changes: ControlChange[]) => void) | undefined;
  /** True until the first read ended: what it finds is the state at start, not a change. */
  #initial = true;
  /** The register as last read or written, and its version. */
  #base: ControlsSnapshot = { disabled: [], forced: {} };
  #version = 0;
  /** Changes made here and not yet in the store, in order. */
  #pending: ControlChange[] = [];
  /** The register's change notices, and the queue of this object's store steps. */
  readonly #feed: RegisterFeed;

  constructor(store: SharedStore, controls: Controls, options: SharedControlsOptions = {}) {
    this.#store = store;
    this.#controls = controls;
    this.#key = options.key ?? 'switchyard:controls';
    this.#channel = `${this.#key}:changes`;
    this.#accept = options.accept ?? ((s) => s);
    this.#onRemote = options.onRemote;
    this.#feed = new RegisterFeed(store, this.#channel, {
      onResync: () => this.#feed.enqueue(() => this.#flush().then(() => this.#refresh())),
      // Any other version (a lower one too: the store lost its data and counts again from 1) is read.
      onNotice: ({ key, version }) => {
        if (key === this.#key && version !== this.#version) this.#feed.enqueue(() => this.#refresh());
      },
    });
    this.#feed.enqueue(() => this.#refresh().finally(() => void (this.#initial = false)));
  }

  /** Applies a change here at once and writes it to the store for every process. */
  change(change: ControlChange): void {
    applyControl(this.#controls, change);
    this.#pending.push(change);
    this.#feed.enqueue(() => this.#flush());
  }

  /** Resolves when the first subscription attempt and every store step asked for so far have settled (the first read, the changes made). */
  settled(): Promise<void> {
    return this.#feed.settled();
  }

  close(): Promise<void> {
    return this.#feed.close();
  }

  /** Applies the register's last value again through `accept` (after this process learned models it can now accept, e.g. a tenant's). */
  reapply(): void {
    this.#controls.replace(this.#accept(this.#with(this.#base, this.#pending)));
  }

  async #refresh(): Promise<void> {
    const current = await this.#store.getVersioned(this.#key);
    if (current && current.version !== this.#version) this.#adopt(current.version, decode(current.value));
    // Gone (the store lost its data): the controls in force here stay, and the next change starts the register again.
    else if (!current) this.#version = 0;
  }

  /** Writes the pending changes over the register's latest value (a lost race re-reads and tries again). */
  async #flush(): Promise<void> {
    for (let race = 0; this.#pending.length > 0 && race < 10; race++) {
      const written = this.#pending.length;
      const next = this.#with(this.#base, this.#pending);
      const r = await this.#store.compareAndSet(this.#key, this.#version, JSON.stringify(next), { notify: this.#channel });
      if (r.ok) {
        this.#pending = this.#pending.slice(written);
        this.#adopt(r.version, next);
      } else this.#adopt(r.current?.version ?? 0, r.current ? decode(r.current.value) : { disabled: [], forced: {} });
    }
  }

  /** The store's controls, with the changes not yet written on top, become this process's. */
  #adopt(version: number, snapshot: ControlsSnapshot): void {
    this.#version = version;
    this.#base = snapshot;
    const before = this.#controls.snapshot();
    this.#controls.replace(this.#accept(this.#with(snapshot, this.#pending)));
    // This process's own changes were applied here already: what differs now came from another process.
    if (this.#onRemote && !this.#initial) {
      const changes = controlChanges(before, this.#controls.snapshot());
      if (changes.length > 0) this.#onRemote(changes);
    }
  }

  #with(snapshot: ControlsSnapshot, changes: ReadonlyArray<ControlChange>): ControlsSnapshot {
    const controls = new Controls();
    controls.replace(snapshot);
    for (const change of changes) applyControl(controls, change);
    return controls.snapshot();
  }
}

/** The changes that turn the controls `from` into `to`: enables and disables, then unforces and forces. */
export function controlChanges(from: ControlsSnapshot, to: ControlsSnapshot): ControlChange[] {
  const changes: ControlChange[] = [];
  const was = new Set(from.disabled);
  const is = new Set(to.disabled);
  for (const target of from.disabled) if (!is.has(target)) changes.push({ action: 'enable', target });
  for (const target of to.disabled) if (!was.has(target)) changes.push({ action: 'disable', target });
  const tenantOf = (key: string) => (key === '' ? undefined : key);
  for (const key of Object.keys(from.forced))
    if (!Object.hasOwn(to.forced, key)) changes.push({ action: 'unforce', tenant: tenantOf(key) });
  for (const [key, model] of Object.entries(to.forced))
    if (from.forced[key] !== model) changes.push({ action: 'force', model, tenant: tenantOf(key) });
  return changes;
}

/** A register value this version cannot read counts as no control (a newer writer replaces it). */
function decode(value: string): ControlsSnapshot {
  try {
    const parsed = snapshotSchema.safeParse(JSON.parse(value));
    return parsed.success ? parsed.data : { disabled: [], forced: {} };
  } catch {
    return { disabled: [], forced: {} };
  }
}

/** A router stream's shape (`ChatStream`): events to iterate, or `collect()` for the response. */
export interface Collectable<E, R> extends AsyncIterable<E> {
  collect(): Promise<R>;
}

/** How long the first requests wait at most for the first read of shared state (a store that never answers must not hang them). */
const FIRST_READ_TIMEOUT_MS = 5_000;

/**
 * Holds the first requests until the shared state (breakers, controls) was read from the store once,
 * so that a process restarted on that store starts with the controls in force. Once read (or with
 * nothing to read, as with the memory store), a call runs at once, in the same tick.
 */
export class FirstRead {
  #done: boolean;
  readonly #read: Promise<void>;

  constructor(steps: ReadonlyArray<Promise<void> | undefined>) {
    const pending = steps.filter((s): s is Promise<void> => s !== undefined);
    this.#done = pending.length === 0;
    if (this.#done) {
      this.#read = Promise.resolve();
      return;
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, FIRST_READ_TIMEOUT_MS);
      timer.unref?.();
    });
    this.#read = Promise.race([Promise.all(pending), timeout]).then(() => {
      clearTimeout(timer);
      this.#done = true;
    });
  }

  run<T>(call: () => Promise<T>): Promise<T> {
    return this.#done ? call() : this.#read.then(call);
  }

  /**
   * A stream whose iteration begins after the first read. Made at once when the read is done;
   * before, `check` runs at once (a bad request throws here) and the stream is made after the read
   * (so that it is routed with the tenants and controls the store has).
   */
  stream<E, R>(make: () => Collectable<E, R>, check: () => void = () => undefined): Collectable<E, R> {
    if (this.#done) return make();
    check();
    const read = this.#read;
    let made: Collectable<E, R> | undefined;
    const stream = () => (made ??= make());
    return {
      [Symbol.asyncIterator]() {
        let inner: AsyncIterator<E> | undefined;
        return {
          async next() {
            if (!inner) {
              await read;
              inner = stream()[Symbol.asyncIterator]();
            }
            return inner.next();
          },
          async return(value?: unknown) {
            return inner?.return ? inner.return(value) : { done: true as const, value: undefined };
          },
        };
      },
      async collect() {
        await read;
        return stream().collect();
      },
    };
  }
}
