import { uniqueId } from '../../core/ids.js';
import type { RoutingContext } from '../../core/request.js';
import type { HoldRef } from '../../state/shared.js';
import type { Budget } from './schema.js';
import type { Reservation } from './types.js';

/** What a reservation holds on one counter (the engine's side of `Reservation.holds`). */
export interface Hold {
  budget: Budget;
  key: string;
  instance: string;
  amount: number;
  /** Added by `check()` while streaming. */
  extra: number;
}

/** A reservation's holds and their leases in the store, until it is settled. */
export interface Held {
  holds: Hold[];
  /** The store hold of `holds` (undefined when no budget counts the request). */
  ref: HoldRef | undefined;
  /** Holds added by `check()` while streaming: released at settle, the main hold carries the real cost. */
  extras: HoldRef[];
}

/**
 * A reservation as the engine hands it out: the public fields, frozen, and, out of reach of the
 * caller, the engine that made it and the holds it still has to settle. (Two WeakMaps, reservation
 * -> holds and reservation -> engine, did this before: a set, a get and a delete each per request,
 * and ephemeron entries for the GC to trace.)
 */
export class HeldReservation implements Reservation {
  readonly id: string;
  readonly at: number;
  readonly context: RoutingContext;
  readonly holds: Reservation['holds'];
  readonly #owner: object;
  #held: Held | undefined;

  constructor(owner: object, at: number, context: RoutingContext, held: Held, id: string = uniqueId()) {
    this.id = id;
    this.at = at;
    this.context = context;
    this.holds = held.holds.map((h) => ({ budgetId: h.budget.id, key: h.key, amountMicros: h.amount }));
    this.#owner = owner;
    this.#held = held;
    Object.freeze(this);
  }

  /** The engine that admitted `r`, when one did. */
  static ownerOf(r: Reservation): object | undefined {
    return r instanceof HeldReservation ? r.#owner : undefined;
  }

  /** The holds of `r` still to settle, when `owner` admitted it; undefined otherwise or once settled. */
  static holdsOf(r: Reservation, owner: object): Held | undefined {
    return r instanceof HeldReservation && r.#owner === owner ? r.#held : undefined;
  }

  /** Like `holdsOf`, and marks them settled: a reservation settles once. */
  static take(r: Reservation, owner: object): Held | undefined {
    const held = HeldReservation.holdsOf(r, owner);
    if (held) (r as HeldReservation).#held = undefined;
    return held;
  }
}
