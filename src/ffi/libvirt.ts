import { type CallObserver, CallPool } from './call-pool.ts';
import { Connection } from './connection.ts';
import { within } from './deadline.ts';
import { EventLoop } from './event-loop.ts';

const SHUTDOWN_STEP_MS = 5_000;

/** How the binding runs. */
export interface LibvirtOptions {
  /**
   * How many call threads run libvirt calls; a slow call holds up one of them.
   * @default 4
   */
  callThreads?: number;
}

/** How a connection is opened. */
export interface OpenOptions {
  /** Open with virConnectOpenReadOnly: queries only. */
  readOnly?: boolean;
}

/**
 * The libvirt binding: its call threads, libvirt's event loop, and the connections opened
 * through it. {@link close} closes what is still open and stops every thread, after which
 * nothing of the binding keeps the process alive.
 */
export class Libvirt {
  readonly #pool: CallPool;
  readonly #eventLoop: EventLoop;
  readonly #connections = new Set<Connection>();
  #closing: Promise<void> | undefined;

  private constructor(pool: CallPool, eventLoop: EventLoop) {
    this.#pool = pool;
    this.#eventLoop = eventLoop;
  }

  /** Tells `observer` of every call that ends on a call thread: name, seconds, outcome. */
  observeCalls(observer: CallObserver | undefined): void {
    this.#pool.observe(observer);
  }

  /** Starts the event loop (before any connection opens, as libvirt requires) and the call threads. */
  static async start(options: LibvirtOptions = {}): Promise<Libvirt> {
    const eventLoop = await EventLoop.start();
    const pool = await CallPool.start(options.callThreads ?? 4);

    return new Libvirt(pool, eventLoop);
  }

  /**
   * Opens a connection to `uri`.
   *
   * @see https://libvirt.org/html/libvirt-libvirt-host.html#virConnectOpen
   * @see https://libvirt.org/html/libvirt-libvirt-host.html#virConnectOpenReadOnly
   */
  async open(uri: string, options: OpenOptions = {}): Promise<Connection> {
    const address = options.readOnly
      ? await this.#pool.run('connectOpenReadOnly', uri)
      : await this.#pool.run('connectOpen', uri);
    const connection = Connection.adopt(this.#pool, address, () =>
      this.#connections.delete(connection),
    );
    this.#connections.add(connection);

    return connection;
  }

  /**
   * Collects garbage on every call thread and returns free heap pages to the system, so
   * that a measure of resident memory shows what is really held. For the memory soak.
   */
  async collectGarbage(): Promise<void> {
    await this.#pool.runOnEachThread('collectGarbage');
  }

  /** How many times each libvirt function was called, over all call threads. */
  async callCounts(): Promise<Record<string, number>> {
    const perThread = await this.#pool.collectFromEachThread('callCounts');
    const totals: Record<string, number> = {};
    for (const counts of perThread) {
      for (const [name, count] of Object.entries(counts)) {
        totals[name] = (totals[name] ?? 0) + count;
      }
    }

    return totals;
  }

  /** Closes every connection still open, then stops the event loop and the call threads. */
  close(): Promise<void> {
    this.#closing ??= this.#shutdown();

    return this.#closing;
  }

  // Each step waits a bounded time: a thread stuck in a libvirt call that never returns must
  // not keep close() from returning. A thread left stuck no longer keeps the process alive.
  async #shutdown(): Promise<void> {
    const connections = [...this.#connections].map((connection) => connection.close());
    await within(Promise.allSettled(connections), SHUTDOWN_STEP_MS);
    if (!(await within(this.#eventLoop.stop(), SHUTDOWN_STEP_MS))) {
      this.#eventLoop.abandon();
    }

    if (!(await within(this.#pool.close(), SHUTDOWN_STEP_MS))) {
      this.#pool.abandon();
    }
  }
}
