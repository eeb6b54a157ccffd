import { uniqueId } from '../../core/ids.js';
import type { RoutingContext } from '../../core/request.js';
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
  #holds: Hold[] | undefined;

  constructor(owner: object, at: number, context: RoutingContext, holds: Hold[]) {
    this.id = uniqueId();
    this.at = at;
    this.context = context;
    this.holds = holds.map((h) => ({ budgetId: h.budget.id, key: h.key, amountMicros: h.amount }));
    this.#owner = owner;
    this.#holds = holds;
    Object.freeze(this);
  }

  /** The engine that admitted `r`, when one did. */
  static ownerOf(r: Reservation): object | undefined {
    return r instanceof HeldReservation ? r.#owner : undefined;
  }

  /** The holds of `r` still to settle, when `owner` admitted it; undefined otherwise or once settled. */
  static holdsOf(r: Reservation, owner: object): Hold[] | undefined {
    return r instanceof HeldReservation && r.#owner === owner ? r.#holds : undefined;
  }

  /** Like `holdsOf`, and marks them settled: a reservation settles once. */
  static take(r: Reservation, owner: object): Hold[] | undefined {
    const holds = HeldReservation.holdsOf(r, owner);
    if (holds) (r as HeldReservation).#holds = undefined;
    return holds;
  }
}
