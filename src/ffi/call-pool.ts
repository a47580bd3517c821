import type { Worker } from 'node:worker_threads';
import type { CallRequest, CallResponse } from './call-thread.ts';
import type { CallName, Calls } from './calls.ts';
import { LibvirtError } from './libvirt-error.ts';
import { startThread, threadReady } from './thread.ts';

interface PendingCall {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  /** When the call was sent to its thread (performance.now()). */
  sentAt: number;
  call: CallName;
}

/** What is told of every call that ends: its name, how long it took, and whether it failed. */
export type CallObserver = (call: string, seconds: number, outcome: 'ok' | 'error') => void;

interface CallThread {
  worker: Worker;
  pending: Map<number, PendingCall>;
}

/** The binding is closed, or its call thread ended, before the call could answer. */
export class BindingClosedError extends Error {
  override readonly name = 'BindingClosedError';
}

/**
 * The call threads: every libvirt call that can block runs on one of them, so that Node's
 * event loop never waits on libvirt. A call goes to the thread with the fewest calls in
 * flight, so a slow call (a snapshot with memory takes seconds) holds up only its own thread.
 */
export class CallPool {
  readonly #threads: CallThread[];
  #nextId = 1;
  #closed = false;
  #observer: CallObserver | undefined;

  private constructor(threads: CallThread[]) {
    this.#threads = threads;
  }

  /** Starts `size` call threads and waits until each has loaded libvirt. */
  static async start(size: number): Promise<CallPool> {
    const threads = await Promise.all(
      Array.from({ length: size }, async () => {
        const worker = startThread('call-thread');
        await threadReady(worker, 'call thread');

        return { worker, pending: new Map<number, PendingCall>() };
      }),
    );
    const pool = new CallPool(threads);
    for (const thread of threads) {
      pool.#listen(thread);
    }

    return pool;
  }

  /** Tells `observer` of every call that ends from now on (for the server's metrics). */
  observe(observer: CallObserver | undefined): void {
    this.#observer = observer;
  }

  /** Runs one call of `calls.ts` on a call thread. */
  run<N extends CallName>(call: N, ...args: Parameters<Calls[N]>): Promise<ReturnType<Calls[N]>> {
    if (this.#closed) {
      return Promise.reject(new BindingClosedError(`the libvirt binding is closed (${call})`));
    }

    return this.#send(this.#leastBusy(), call, args) as Promise<ReturnType<Calls[N]>>;
  }

  /** Runs one call on every call thread, for calls about the thread itself. */
  async runOnEachThread<N extends CallName>(call: N, ...args: Parameters<Calls[N]>): Promise<void> {
    await this.collectFromEachThread(call, ...args);
  }

  /** Runs one call on every call thread and returns each thread's answer. */
  collectFromEachThread<N extends CallName>(
    call: N,
    ...args: Parameters<Calls[N]>
  ): Promise<Array<ReturnType<Calls[N]>>> {
    return Promise.all(
      this.#threads.map(
        (thread) => this.#send(thread, call, args) as Promise<ReturnType<Calls[N]>>,
      ),
    );
  }

  #send(thread: CallThread, call: CallName, args: unknown[]): Promise<unknown> {
    const id = this.#nextId++;
    const request: CallRequest = { id, call, args };

    return new Promise((resolve, reject) => {
      thread.pending.set(id, { resolve, reject, sentAt: performance.now(), call });
      thread.worker.postMessage(request);
    });
  }

  /** How many call threads there are: how many calls can be in flight at once. */
  get size(): number {
    return this.#threads.length;
  }

  /** How many calls are in flight on all threads. */
  get inFlight(): number {
    return this.#threads.reduce((sum, thread) => sum + thread.pending.size, 0);
  }

  /** Stops every call thread; calls still in flight fail with BindingClosedError. */
  async close(): Promise<void> {
    if (this.#closed) {
      return;
    }

    this.#closed = true;
    await Promise.all(this.#threads.map((thread) => thread.worker.terminate()));
  }

  /** Lets the process exit even if a call thread never returns from libvirt. */
  abandon(): void {
    for (const thread of this.#threads) {
      thread.worker.unref();
    }
  }

  // The thread with the fewest calls in flight; of threads with as many, the one whose oldest
  // call was sent last, since a call that has run long (a snapshot saving memory) may run on.
  #leastBusy(): CallThread {
    return this.#threads.reduce((best, thread) => {
      const fewer = thread.pending.size - best.pending.size;
      if (fewer !== 0) {
        return fewer < 0 ? thread : best;
      }

      return oldestSentAt(thread) > oldestSentAt(best) ? thread : best;
    });
  }

  #listen(thread: CallThread): void {
    thread.worker.on('message', (response: CallResponse) => {
      const pending = thread.pending.get(response.id);
      if (pending === undefined) {
        return;
      }

      thread.pending.delete(response.id);
      const seconds = (performance.now() - pending.sentAt) / 1000;
      this.#observer?.(pending.call, seconds, 'value' in response ? 'ok' : 'error');
      if ('value' in response) {
        pending.resolve(response.value);
      } else if ('libvirtError' in response) {
        pending.reject(LibvirtError.fromDetails(response.libvirtError));
      } else {
        pending.reject(new Error(response.failure));
      }
    });
    thread.worker.on('error', (error) => this.#abandon(thread, error));
    thread.worker.on('exit', () =>
      this.#abandon(thread, new BindingClosedError('a libvirt call thread ended')),
    );
  }

  #abandon(thread: CallThread, error: Error): void {
    for (const pending of thread.pending.values()) {
      pending.reject(error);
    }

    thread.pending.clear();
  }
}

// A thread's calls run one after another, in the order sent: the first is the one running.
function oldestSentAt(thread: CallThread): number {
  const first = thread.pending.values().next();

  return first.done === true ? Number.POSITIVE_INFINITY : first.value.sentAt;
}
