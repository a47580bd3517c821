import { randomBytes } from 'node:crypto';

/** An `after` ID the log cannot replay from: too old, or from another run of the server. */
export class EventGapError extends Error {
  override readonly name = 'EventGapError';
}

/** Which events a subscriber wants. */
export type EventFilter<E> = (event: E) => boolean;

interface Subscriber<E> {
  filter: EventFilter<E>;
  push: (event: E) => void;
}

/**
 * A bounded log of events (the last `capacity`), the only source subscribers read from,
 * live and replayed alike. IDs are `<run>-<sequence>`: unique, ordered within a run, and
 * unknown to any other run of the server. With replicas, every replica's log gets every
 * event, in the order Redis relays them, under the ID its teller gave it (`add`).
 */
export class EventLog<E extends { id: string }> {
  readonly #capacity: number;
  readonly #run = randomBytes(4).toString('hex');
  readonly #events: E[] = [];
  readonly #subscribers = new Set<Subscriber<E>>();
  readonly #appendListeners = new Set<(event: E) => void>();
  // Each kept event's place in the order of this log (the count of events added before it).
  readonly #places = new Map<string, number>();
  #lastDropped: string | undefined;
  #sequence = 0;

  constructor(capacity = 10_000) {
    this.#capacity = capacity;
  }

  /** Appends an event, giving it its ID, and hands it to every subscriber that wants it. */
  append(event: Omit<E, 'id'>): E {
    return this.add({ ...event, id: `${this.#run}-${this.#sequence + 1}` } as E);
  }

  /** Appends an event that has its ID (given by the replica that told it). */
  add(stored: E): E {
    this.#sequence += 1;
    this.#places.set(stored.id, this.#sequence);
    this.#events.push(stored);
    if (this.#events.length > this.#capacity) {
      // The newest event dropped stays a place to replay from: every event after it is kept.
      const dropped = this.#events.shift();
      if (this.#lastDropped !== undefined) {
        this.#places.delete(this.#lastDropped);
      }

      this.#lastDropped = dropped?.id;
    }

    for (const subscriber of this.#subscribers) {
      if (subscriber.filter(stored)) {
        subscriber.push(stored);
      }
    }

    for (const listener of this.#appendListeners) {
      listener(stored);
    }

    return stored;
  }

  /**
   * Calls `listener` with every event appended from now on, after its subscribers have it
   * (for the server's metrics: no subscriber, and not counted as one); returns how to stop.
   */
  onAppend(listener: (event: E) => void): () => void {
    this.#appendListeners.add(listener);

    return () => this.#appendListeners.delete(listener);
  }

  /** The events after `afterId`; EventGapError when the log no longer (or never) had it. */
  since(afterId: string): E[] {
    const place = this.#places.get(afterId);
    if (place === undefined) {
      throw new EventGapError(
        `event ${afterId} is not in the log (it keeps the last ${this.#capacity} events of this ` +
          'run of the server): read the current state again, then subscribe without after',
      );
    }

    const oldest = this.#sequence - this.#events.length;

    return this.#events.slice(place - oldest);
  }

  /**
   * The events `filter` wants: first those after `afterId` from the log, then each new one
   * as it is appended, none twice. Ends when the consumer returns (unsubscribes).
   */
  stream(filter: EventFilter<E>, afterId?: string | null): AsyncIterableIterator<E> {
    const queue: E[] = afterId ? this.since(afterId).filter(filter) : [];
    let wake: (() => void) | undefined;
    let done = false;
    const subscriber: Subscriber<E> = {
      filter,
      push: (event) => {
        queue.push(event);
        wake?.();
      },
    };
    this.#subscribers.add(subscriber);
    const finish = () => {
      done = true;
      this.#subscribers.delete(subscriber);
      wake?.();
    };

    const iterator: AsyncIterableIterator<E> = {
      [Symbol.asyncIterator]: () => iterator,
      next: async () => {
        while (queue.length === 0 && !done) {
          await new Promise<void>((resolve) => {
            wake = resolve;
          });
          wake = undefined;
        }

        const event = queue.shift();

        return event === undefined || done
          ? { done: true, value: undefined }
          : { done: false, value: event };
      },
      return: async () => {
        finish();

        return { done: true, value: undefined };
      },
    };

    return iterator;
  }

  /** Every event the log still holds, oldest first. */
  entries(): readonly E[] {
    return [...this.#events];
  }

  /** How many subscribers are listening. */
  get subscriberCount(): number {
    return this.#subscribers.size;
  }
}
