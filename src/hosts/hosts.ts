import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import { type ChangeFeed, Events, LocalFeed } from '../events/index.ts';
import { RedisFeed } from '../events/redis-feed.ts';
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
  /** Where changes are told: this process's logs, or every replica's over Redis. */
  readonly feed: ChangeFeed;

  readonly #watcher: SnapshotWatcher;

  private constructor(
    libvirt: Libvirt,
    hosts: Host[],
    events: Events,
    feed: ChangeFeed,
    watcher: SnapshotWatcher,
  ) {
    this.#libvirt = libvirt;
    this.#hosts = hosts;
    this.events = events;
    this.feed = feed;
    this.#watcher = watcher;
  }

  /**
   * Starts the binding and connects every configured host; with `redisUrl`, joins the other
   * replicas and takes the lease of every host none of them watches.
   */
  static async open(config: Config, logger: Logger): Promise<Hosts> {
    const events = new Events();
    const feed =
      config.redisUrl === null
        ? new LocalFeed(events)
        : await RedisFeed.connect(config.redisUrl, events, logger, {
            hostNames: config.hosts.map((host) => host.name),
            leaseTtlMs: config.leaseTtlMs,
          });
    const libvirt = await Libvirt.start({ callThreads: config.callThreads });
    const jobs = { pollMs: config.jobPollMs, timeoutMs: config.jobTimeoutMs };
    const hosts = config.hosts.map((host) => new Host(libvirt, host, logger, feed, jobs));
    await Promise.all(hosts.map((host) => host.connect()));
    const watcher = new SnapshotWatcher(hosts, feed, logger, {
      intervalMs: config.watchIntervalMs,
      sweepMs: config.sweepIntervalMs,
    });
    feed.onTakeOver((hostName) => watcher.takeOver(hostName));
    await feed.start(
      (targets) => watcher.refresh(targets),
      (hostName) => hosts.find((host) => host.name === hostName)?.connected === true,
    );
    await watcher.start();

    return new Hosts(libvirt, hosts, events, feed, watcher);
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
    await within(this.feed.close(), CLOSE_STEP_MS);
    await within(Promise.allSettled(this.#hosts.map((host) => host.close())), CLOSE_STEP_MS);
    await this.#libvirt.close();
  }
}
