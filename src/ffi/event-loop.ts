import { once } from 'node:events';
import type { Worker } from 'node:worker_threads';
import type { EventLoopThreadData } from './event-loop-thread.ts';
import { invoke, libvirtFunctionAddress, loadLibraries, takeLastError } from './native.ts';
import { startThread, threadReady } from './thread.ts';

let registered = false;

/**
 * libvirt's default event loop, run on a thread of its own. It must be registered before the
 * first connection opens; libvirt then uses it for keep-alive, close callbacks and events.
 *
 * @see https://libvirt.org/html/libvirt-libvirt-event.html#virEventRegisterDefaultImpl
 */
export class EventLoop {
  readonly #worker: Worker;
  readonly #stop: Int32Array;
  readonly #exited: Promise<unknown>;

  private constructor(worker: Worker, stop: Int32Array) {
    this.#worker = worker;
    this.#stop = stop;
    this.#exited = once(worker, 'exit');
  }

  /** Lets the process exit even if the loop's thread never returns from libvirt. */
  abandon(): void {
    this.#worker.unref();
  }

  /** Registers libvirt's default event loop (once per process) and starts its thread. */
  static async start(): Promise<EventLoop> {
    loadLibraries();
    if (!registered) {
      // Quick and local: it only installs libvirt's poll-based implementation.
      if (invoke('virEventRegisterDefaultImpl') < 0) {
        throw takeLastError('virEventRegisterDefaultImpl');
      }

      registered = true;
    }

    const stop = new SharedArrayBuffer(4);
    const data: EventLoopThreadData = { stop };
    const worker = startThread('event-loop-thread', { workerData: data });
    await threadReady(worker, 'event-loop thread');

    return new EventLoop(worker, new Int32Array(stop));
  }

  /** Stops the loop's thread; connections using the loop should be closed first. */
  async stop(): Promise<void> {
    Atomics.store(this.#stop, 0, 1);
    // The loop thread sleeps in poll() until something is due. A timer due at once wakes it;
    // its callback is libvirt's own virEventRemoveTimeout, called as (timer, opaque), so the
    // timer removes itself after one run and leaves nothing behind.
    const removeItself = libvirtFunctionAddress('virEventRemoveTimeout');
    const timer = invoke('virEventAddTimeout', 0, removeItself, 0n, 0n);
    if (timer < 0) {
      throw takeLastError('virEventAddTimeout');
    }

    await this.#exited;
  }
}
