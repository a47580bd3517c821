import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import { Events } from '../events/index.ts';
import { SnapshotWatcher } from '../events/watcher.ts';
import { type CallObserver, Libvirt, within } from '../ffi/index.ts';
import { Host } from './host.ts';

const CLOSE_STEP_MS = 5_000;

/** Every configured host, over one libvirt binding. */
export class Hosts {
  readonly #libvirt: Libvirt;
  readonly #hosts: Host[];
  /** What subscribers read: snapshot and domain events, live and replayed. */
  readonly events: Events;

  readonly #watcher: SnapshotWatcher;

  private constructor(libvirt: Libvirt, hosts: Host[], events: Events, watcher: SnapshotWatcher) {
    this.#libvirt = libvirt;
    this.#hosts = hosts;
    this.events = events;
    this.#watcher = watcher;
  }

  /** Starts the binding and connects every configured host. */
  static async open(config: Config, logger: Logger): Promise<Hosts> {
    const libvirt = await Libvirt.start({ callThreads: config.callThreads });
    const events = new Events();
    const jobs = { pollMs: config.jobPollMs, timeoutMs: config.jobTimeoutMs };
    const hosts = config.hosts.map((host) => new Host(libvirt, host, logger, events, jobs));
    await Promise.all(hosts.map((host) => host.connect()));
    const watcher = new SnapshotWatcher(hosts, events, logger, {
      intervalMs: config.watchIntervalMs,
      sweepMs: config.sweepIntervalMs,
    });
    await watcher.start();

    return new Hosts(libvirt, hosts, events, watcher);
  }

  list(): Host[] {
    return [...this.#hosts];
  }

  byName(name: string): Host | undefined {
    return this.#hosts.find((host) => host.name === name);
  }

  /** Tells `observer` of every call that ends on a call thread (for the server's metrics). */
  observeCalls(observer: CallObserver | undefined): void {
    this.#libvirt.observeCalls(observer);
  }

  /** How many times each libvirt function was called: for tests of what a query costs. */
  libvirtCallCounts(): Promise<Record<string, number>> {
    return this.#libvirt.callCounts();
  }

  /** Takes one look at libvirt now, as the watcher does on its timer; for tests. */
  watchNow(): Promise<void> {
    return this.#watcher.tick();
  }

  /** Stops the watcher, closes every host and stops the binding. */
  async close(): Promise<void> {
    // Bounded, as the binding's own shutdown is: stopping never hangs on a stuck call.
    await within(this.#watcher.stop(), CLOSE_STEP_MS);
    await within(Promise.allSettled(this.#hosts.map((host) => host.close())), CLOSE_STEP_MS);
    await this.#libvirt.close();
  }
}
