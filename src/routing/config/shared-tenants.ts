import { z } from 'zod';
import type { ConfigIssue } from '../../core/errors.js';
import { formatPath } from '../../core/zod-issues.js';
import { RegisterFeed } from '../../state/register-feed.js';
import type { SharedStore } from '../../state/shared.js';
import type { TenantConfig } from './options.js';

/** A tenant's register in the store: its configuration's data with its own providers by name, or a tombstone. */
export type StoredTenant =
  { config: Omit<TenantConfig, 'providers'>; providers: string[]; actor?: string } | { removed: true; actor?: string };

const storedSchema = z.union([
  z.object({ removed: z.literal(true), actor: z.string().optional() }),
  z.object({ config: z.record(z.string(), z.unknown()), providers: z.array(z.string()), actor: z.string().optional() }),
]);

/** The register of one tenant, the index of tenant ids and the channel of their changes (all under the store's prefix). */
const KEY_PREFIX = 'switchyard:tenant:';
const INDEX = 'switchyard:tenants';
const CHANNEL = 'switchyard:tenants:changes';
const keyOf = (id: string) => KEY_PREFIX + encodeURIComponent(id);

/**
 * What of a tenant configuration cannot go through a store, with paths under `tenants.<id>`: a
 * function (a route's `when` predicate, a custom strategy) other processes could not run, anything
 * that is not plain data, and the tenant's own providers when no `tenantProviders` option can
 * build them in the other processes. Empty when the configuration can be shared.
 */
export function unshareableIssues(id: string, config: TenantConfig, canBuildProviders: boolean): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const walk = (value: unknown, path: Array<string | number>): void => {
    if (value === null || value === undefined || typeof value === 'string' || typeof value === 'boolean') return;
    if (typeof value === 'number') {
      if (!Number.isFinite(value))
        issues.push({ path: formatPath(path), message: 'a number that is not finite cannot be shared through the store' });
      return;
    }
    if (typeof value === 'function') {
      issues.push({
        path: formatPath(path),
        message:
          'a function cannot be shared through the store (the other processes could not run it): use a condition object or a named strategy',
      });
      return;
    }
    if (Array.isArray(value)) return value.forEach((v, i) => walk(v, [...path, i]));
    const proto: unknown = Object.getPrototypeOf(value);
    if (typeof value !== 'object' || (proto !== Object.prototype && proto !== null)) {
      issues.push({ path: formatPath(path), message: 'only plain data can be shared through the store' });
      return;
    }
    for (const [k, v] of Object.entries(value)) walk(v, [...path, k]);
  };
  for (const [field, value] of Object.entries(config)) if (field !== 'providers') walk(value, ['tenants', id, field]);
  if (!canBuildProviders) {
    for (const name of Object.keys(config.providers ?? {})) {
      issues.push({
        path: formatPath(['tenants', id, 'providers', name]),
        message:
          "on a shared store a tenant's own providers reach the other processes by name only (never a key): " +
          'give createRouter() a `tenantProviders` option that builds them in every process',
      });
    }
  }
  return issues;
}

/** The register value of a tenant configuration (call {@link unshareableIssues} first). */
export function storedTenant(config: TenantConfig, actor: string | undefined): StoredTenant {
  const { providers, ...data } = config;
  return { config: data, providers: Object.keys(providers ?? {}), ...(actor !== undefined && { actor }) };
}

export interface SharedTenantsOptions {
  /** A tenant changed by another process (or found at the first read, `initial`): apply it here. */
  onChange: (id: string, value: StoredTenant, initial: boolean) => void;
}

/**
 * The runtime tenant configurations of every process on one shared store, on the pattern of
 * {@link SharedControls}: one versioned register per tenant (its configuration's data, or a tombstone
 * after `remove`), an index of tenant ids, and a notification of `{ key, version }` on each write.
 * A change made here applies here at once (the caller's part) and is written right after by
 * compare-and-set over the register's latest version; every process re-reads a register when
 * notified, and all of them on `resync`. A write the store could not take stays pending and is
 * written again on the next resync or change.
 */
export class SharedTenants {
  readonly #store: SharedStore;
  readonly #onChange: SharedTenantsOptions['onChange'];
  /** The version of each register as last read or written here. */
  readonly #versions = new Map<string, number>();
  /** Values written here and not yet in the store, by tenant (the latest wins). */
  readonly #pending = new Map<string, string>();
  /** True until the first read of every register ended: what it finds is the state at start, not a change. */
  #initial = true;
  /** The channel of the registers' changes, and the queue of this object's store steps. */
  readonly #feed: RegisterFeed;

  constructor(store: SharedStore, options: SharedTenantsOptions) {
    this.#store = store;
    this.#onChange = options.onChange;
    this.#feed = new RegisterFeed(store, CHANNEL, {
      onResync: () => this.#feed.enqueue(() => this.#flush().then(() => this.#refreshAll())),
      onNotice: ({ key, version }) => {
        if (!key.startsWith(KEY_PREFIX)) return;
        let id: string;
        try {
          id = decodeURIComponent(key.slice(KEY_PREFIX.length));
        } catch {
          return;
        }
        // Any other version (a lower one too: the store lost its data and counts again from 1) is read.
        if (version !== this.#versions.get(id)) this.#feed.enqueue(() => this.#refresh(id));
      },
    });
    this.#feed.enqueue(() => this.#refreshAll().finally(() => void (this.#initial = false)));
  }

  /** Writes a tenant's configuration (or its tombstone) to the store for every process. */
  write(id: string, value: StoredTenant): void {
    this.#pending.set(id, JSON.stringify(value));
    this.#feed.enqueue(() => this.#flush());
  }

  /** Resolves when the first subscription attempt and every store step asked for so far have settled. */
  settled(): Promise<void> {
    return this.#feed.settled();
  }

  close(): Promise<void> {
    return this.#feed.close();
  }

  async #refreshAll(): Promise<void> {
    const ids = await this.#store.members(INDEX);
    for (const id of ids.sort()) await this.#refresh(id);
  }

  async #refresh(id: string): Promise<void> {
    // A write of this process not yet in the store is the newer one: it is written next, over whatever is there.
    if (this.#pending.has(id)) return;
    const current = await this.#store.getVersioned(keyOf(id));
    if (!current || current.version === this.#versions.get(id)) return;
    this.#versions.set(id, current.version);
    const value = decode(current.value);
    // A register this version cannot read (a newer writer's format) changes nothing here.
    if (value) this.#onChange(id, value, this.#initial);
  }

  /** Writes every pending value over its register's latest version (a lost race learns that version and writes again). */
  async #flush(): Promise<void> {
    for (const [id, value] of [...this.#pending]) {
      await this.#store.addToSet(INDEX, [id]);
      for (let race = 0; race < 10; race++) {
        const r = await this.#store.compareAndSet(keyOf(id), this.#versions.get(id) ?? 0, value, { notify: CHANNEL });
        if (r.ok) {
          this.#versions.set(id, r.version);
          // Unless it was changed here again meanwhile.
          if (this.#pending.get(id) === value) this.#pending.delete(id);
          break;
        }
        this.#versions.set(id, r.current?.version ?? 0);
      }
    }
  }
}

function decode(value: string): StoredTenant | undefined {
  try {
    const parsed = storedSchema.safeParse(JSON.parse(value));
    if (!parsed.success) return undefined;
    return 'removed' in parsed.data ? parsed.data : (parsed.data as StoredTenant);
  } catch {
    return undefined;
  }
}
