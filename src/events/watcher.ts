import type { Logger } from 'pino';
import { type DomainRecord, type Host, sameSnapshots } from '../hosts/host.ts';
import type { SnapshotTree } from '../hosts/snapshot-tree.ts';
import {
  type ChangeFeed,
  DOMAIN_LIST,
  type KnownDomain,
  type RefreshTarget,
  snapshotTidings,
  type Tiding,
} from './feed.ts';
import { diffTrees } from './tree-diff.ts';

/** How often the watcher looks. */
export interface WatcherOptions {
  /**
   * How often each domain's snapshot names and current snapshot are compared with libvirt.
   * @default 1000
   */
  intervalMs?: number;
  /**
   * How often every snapshot's XML is read again, to catch redefinitions made elsewhere.
   * @default 60000
   */
  sweepMs?: number;
}

// How long a change must hold still before the watcher takes it, and how often it waits.
const SETTLE_MS = 50;
const SETTLE_TRIES = 5;

type Summary = Awaited<ReturnType<Host['snapshotSummary']>>;

function sameSummary(a: Summary, b: Summary): boolean {
  return (
    a.current === b.current &&
    a.names.length === b.names.length &&
    a.names.every((name, index) => b.names[index] === name)
  );
}

/**
 * The domain's names and current snapshot when they differ from `known`, once two reads
 * SETTLE_MS apart agree; null when they do not differ. libvirt lists a snapshot that another
 * client is still creating before it makes it current (the QEMU driver runs qemu-img in
 * between), and a look in that moment would send the snapshot as created, then as reverted to.
 */
async function settledSummary(
  host: Host,
  uuid: string,
  known: SnapshotTree,
): Promise<Summary | null> {
  let summary = await host.snapshotSummary(uuid);
  for (let tries = 0; tries < SETTLE_TRIES && !sameSnapshots(known, summary); tries++) {
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    const again = await host.snapshotSummary(uuid);
    if (sameSummary(summary, again)) {
      break;
    }

    summary = again;
  }

  return sameSnapshots(known, summary) ? null : summary;
}

/**
 * Compares libvirt with what the server last told subscribers, and sends the differences as
 * EXTERNAL events: libvirt itself sends no event when a snapshot is created or deleted.
 * Each tick reads each domain's snapshot names and current snapshot (one listing, no XML);
 * only a domain that differs, or a sweep, reads the XML. A domain with a mutation running is
 * skipped: the mutation sends its own events. With replicas, every replica's watcher keeps
 * its own trees for its queries, but only the one that watches a host tells (ChangeFeed):
 * it compares with the tree last told, which replicas share, and a replica that takes over
 * a host compares every domain with it before it goes on.
 */
export class SnapshotWatcher {
  readonly #hosts: Host[];
  readonly #feed: ChangeFeed;
  readonly #logger: Logger;
  readonly #intervalMs: number;
  readonly #sweepMs: number;
  readonly #domains = new Map<Host, Map<string, KnownDomain>>();
  readonly #connected = new Map<Host, boolean>();
  // Hosts this replica has just begun to watch: the next look compares every domain with
  // what was last told, not with what this replica saw meanwhile.
  readonly #takingOver = new Set<Host>();
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #lastSweep = Date.now();
  #soon: NodeJS.Timeout | undefined;
  // The look queued behind the one in progress, for lookNow.
  #next: Promise<void> | undefined;
  #stopped = false;

  constructor(hosts: Host[], feed: ChangeFeed, logger: Logger, options: WatcherOptions = {}) {
    this.#hosts = hosts;
    this.#feed = feed;
    this.#logger = logger;
    this.#intervalMs = options.intervalMs ?? 1000;
    this.#sweepMs = options.sweepMs ?? 60_000;
  }

  /**
   * Marks a host this process has just begun to watch (another replica watched it, or none
   * did): its next look compares every domain with what was last told.
   */
  takeOver(hostName: string): void {
    const host = this.#hosts.find((candidate) => candidate.name === hostName);
    if (host !== undefined) {
      this.#takingOver.add(host);
      if (this.#timer !== undefined) {
        void this.lookNow();
      }
    }
  }

  /** Takes a first look at every domain (no events for what already exists), then watches. */
  async start(): Promise<void> {
    for (const host of this.#hosts) {
      // A lifecycle event (a domain started, stopped, defined, reverted) is a reason to look
      // now rather than at the next tick; which domain it was comes from the registration.
      host.setLifecycleListener(() => this.#lookSoon());
      // So is a query that finds libvirt other than the tree it would answer with.
      host.setLookNow(() => this.lookNow());
    }

    await this.tick();
    this.#timer = setInterval(() => {
      if (this.#running === undefined) {
        void this.tick();
      }
    }, this.#intervalMs);
  }

  /** A look that starts after the one in progress; whoever asks meanwhile shares it. */
  lookNow(): Promise<void> {
    if (this.#stopped) {
      return Promise.resolve();
    }

    if (this.#next === undefined) {
      // Taken off before the look starts, so that a change seen during it gets a look of its
      // own; `then` runs later than this assignment, whatever is running now.
      const next: Promise<void> = this.#idle().then(() => {
        if (this.#next === next) {
          this.#next = undefined;
        }

        return this.tick();
      });
      this.#next = next;
    }

    return this.#next;
  }

  async #idle(): Promise<void> {
    while (this.#running !== undefined) {
      await this.#running;
    }
  }

  /** Stops watching, after the look in progress. */
  async stop(): Promise<void> {
    for (const host of this.#hosts) {
      host.setLookNow(undefined);
    }

    this.#stopped = true;
    clearInterval(this.#timer);
    this.#timer = undefined;
    clearTimeout(this.#soon);
    await this.#running;
  }

  // Coalesces a burst of events into one look, right after the look in progress.
  #lookSoon(): void {
    if (this.#stopped || this.#soon !== undefined) {
      return;
    }

    this.#soon = setTimeout(async () => {
      await this.#running;
      this.#soon = undefined;
      if (!this.#stopped && this.#running === undefined) {
        void this.tick();
      }
    }, 10);
  }

  /**
   * One look at every host and domain, once the look in progress has ended. Looks never
   * overlap: two that read the same domain at once would each send what changed since the
   * tree it knew, and the slower one would then record a tree older than the other's.
   */
  async tick(): Promise<void> {
    await this.#exclusive(() => this.#look());
  }

  /**
   * Reads the domains that other replicas' events name again (the whole XML of those with
   * a redefinition), as a look of them alone, before those events reach this replica's
   * subscribers. A domain this replica does not know yet gets a whole look.
   */
  async refresh(targets: RefreshTarget[]): Promise<void> {
    await this.#exclusive(async () => {
      for (const target of targets) {
        const host = this.#hosts.find((candidate) => candidate.name === target.hostName);
        if (host?.connected !== true) {
          continue;
        }

        // A domain new to this replica, or one that cannot be read (undefined meanwhile,
        // most likely), gets a whole look, which tells what became of it.
        const domain = await host.domainByUuid(target.uuid);
        const read =
          domain !== null &&
          this.#domains.get(host)?.has(target.uuid) === true &&
          (await this.#tryWatchDomain(host, domain, target.full, await this.#stampsOf(host)));
        if (!read) {
          await this.#look();

          return;
        }
      }
    });
  }

  // Runs `work` once no look runs, as the only one: looks never overlap.
  async #exclusive(work: () => Promise<void>): Promise<void> {
    while (this.#running !== undefined) {
      await this.#running;
    }

    if (this.#stopped) {
      return;
    }

    const running = work().finally(() => {
      this.#running = undefined;
    });
    // Whoever waits for their turn waits for this work to end, not for it to succeed: its
    // failure is its caller's alone.
    this.#running = running.catch(() => undefined);
    await running;
  }

  // The stamps of what was told of the host's domains, where this process tells.
  async #stampsOf(host: Host): Promise<Map<string, string>> {
    return this.#feed.watches(host.name) ? this.#feed.stamps(host.name) : new Map();
  }

  async #look(): Promise<void> {
    const sweep = Date.now() - this.#lastSweep >= this.#sweepMs;
    if (sweep) {
      this.#lastSweep = Date.now();
    }

    await Promise.all(
      this.#hosts.map((host) =>
        this.#watchHost(host, sweep).catch((error: unknown) =>
          this.#logger.warn({ err: error, host: host.name }, 'watching the host failed'),
        ),
      ),
    );
  }

  async #watchHost(host: Host, sweep: boolean): Promise<void> {
    const wasConnected = this.#connected.get(host);
    this.#connected.set(host, host.connected);
    if (wasConnected !== undefined && wasConnected !== host.connected) {
      await this.#hostEvent(host, host.connected ? 'HOST_CONNECTED' : 'HOST_DISCONNECTED');
    }

    if (!host.connected) {
      return;
    }

    const takingOver = this.#takingOver.has(host);
    // Read before libvirt: a tell of this look is refused if another came since.
    const stamps = await this.#stampsOf(host);
    const domains = await host.domains();
    await this.#compareDomains(host, domains, takingOver, stamps);
    for (const domain of domains) {
      await host
        .watchLifecycle(domain.uuid)
        .catch((error: unknown) =>
          this.#logger.warn({ err: error, domain: domain.name }, 'no lifecycle events'),
        );
      await this.#tryWatchDomain(host, domain, sweep || takingOver, stamps);
    }

    if (takingOver) {
      this.#takingOver.delete(host);
    }
  }

  async #compareDomains(
    host: Host,
    domains: DomainRecord[],
    takingOver: boolean,
    stamps: Map<string, string>,
  ): Promise<void> {
    const seen = this.#domains.get(host);
    const current = new Map(domains.map((d) => [d.uuid, { name: d.name, state: d.state }]));
    for (const domain of domains) {
      // Every snapshot of a domain defined since the last look is news, also one taken (or
      // redefined) before this look: without a tree to compare with, the first look at the
      // domain would take its snapshots as known and send nothing for them.
      if (
        seen !== undefined &&
        !seen.has(domain.uuid) &&
        host.knownTree(domain.uuid) === undefined
      ) {
        host.rememberAsNew(domain.uuid);
      }
    }

    if (!takingOver && seen !== undefined && sameDomains(seen, current)) {
      return;
    }

    if (!this.#feed.watches(host.name)) {
      this.#domains.set(host, current);
      for (const uuid of seen?.keys() ?? []) {
        if (!current.has(uuid)) {
          host.forget(uuid);
        }
      }

      return;
    }

    const done = await this.#feed.withLock(host.name, DOMAIN_LIST, 'watcher', async () => {
      const told = (await this.#feed.toldDomains(host.name)) ?? seen;
      const events: Tiding[] = [];
      const trees: [string, null][] = [];
      for (const domain of told === undefined ? [] : domains) {
        const known = told?.get(domain.uuid);
        if (known === undefined) {
          events.push(this.#domainEvent(host, 'DEFINED', domain.uuid, domain.name, domain.state));
        } else if (known.state !== domain.state) {
          events.push(
            this.#domainEvent(host, 'STATE_CHANGED', domain.uuid, domain.name, domain.state),
          );
        }
      }

      const gone = [...(told ?? [])].filter(([uuid]) => !current.has(uuid));
      for (const [uuid, known] of gone) {
        events.push(...(await this.#undefined(host, uuid, known.name)));
        trees.push([uuid, null]);
      }

      const tidings = { events, trees, domains: current };
      const stamp = stamps.get(DOMAIN_LIST) ?? '0';
      const sent = await this.#feed.tell(host.name, DOMAIN_LIST, tidings, stamp);
      if (sent) {
        for (const [uuid] of gone) {
          host.forget(uuid);
        }
      }

      return sent;
    });
    // What was not told is compared again at the next look.
    if (done?.value === true) {
      this.#domains.set(host, current);
    }
  }

  // A domain that is gone takes its snapshots with it: one DELETED each, then UNDEFINED.
  async #undefined(host: Host, uuid: string, name: string): Promise<Tiding[]> {
    const tree = (await this.#feed.toldTree(host.name, uuid)) ?? host.knownTree(uuid);
    const deleted =
      tree === undefined
        ? []
        : snapshotTidings(
            { hostName: host.name, uuid, name },
            tree.topologicalNames().map((snapshotName) => ({
              type: 'DELETED' as const,
              snapshotName,
            })),
            'EXTERNAL',
          );

    return [...deleted, this.#domainEvent(host, 'UNDEFINED', uuid, name, null)];
  }

  // #watchDomain, with a failure logged: whether it read the domain.
  #tryWatchDomain(
    host: Host,
    domain: DomainRecord,
    full: boolean,
    stamps: Map<string, string>,
  ): Promise<boolean> {
    return this.#watchDomain(host, domain, full, stamps).then(
      () => true,
      (error: unknown) => {
        this.#logger.warn({ err: error, domain: domain.name }, 'watching the domain failed');

        return false;
      },
    );
  }

  async #watchDomain(
    host: Host,
    domain: DomainRecord,
    full: boolean,
    stamps: Map<string, string>,
  ): Promise<void> {
    const { uuid } = domain;
    const generation = host.generation(uuid);
    if (host.isBusy(uuid)) {
      return;
    }

    const known = host.knownTree(uuid);
    let tree: SnapshotTree;
    if (known !== undefined && !full && !host.isUnsettled(uuid)) {
      const summary = await settledSummary(host, uuid, known);
      if (summary === null) {
        return;
      }

      tree = await host.refreshTree(uuid, known, summary);
    } else {
      tree = await host.snapshotTree(uuid);
    }

    // A mutation that started meanwhile sends its own events and records its own tree.
    if (host.isBusy(uuid) || host.generation(uuid) !== generation) {
      return;
    }

    host.remember(uuid, tree);
    if (!this.#feed.watches(host.name)) {
      return;
    }

    const changed = { hostName: host.name, uuid, name: domain.name };
    const done = await this.#feed
      .withLock(host.name, uuid, 'watcher', async () => {
        // What replicas share as told wins over what this one saw: another may have told
        // since. A tell is refused when one came after this look read the stamps, since
        // what this look read of libvirt may be older than what that one told.
        const shared = await this.#feed.toldTree(host.name, uuid);
        const told = shared ?? known;
        const changes = told === undefined ? [] : diffTrees(told, tree, { kind: 'external' });
        if (changes.length === 0 && shared !== null) {
          return true;
        }

        const events = snapshotTidings(changed, changes, 'EXTERNAL');
        const stamp = stamps.get(uuid) ?? '0';

        return this.#feed.tell(host.name, uuid, { events, trees: [[uuid, tree]] }, stamp);
      })
      .catch((error: unknown) => {
        this.#logger.warn({ err: error, domain: domain.name }, 'a change was not told');

        return undefined;
      });
    // Not told (another replica holds the domain, or told since, or Redis failed): what this
    // look saw is kept for queries, and compared with what was told again next time, in full.
    if (done?.value === true) {
      host.settle(uuid);
    } else {
      host.unsettle(uuid);
    }
  }

  async #hostEvent(host: Host, type: 'HOST_CONNECTED' | 'HOST_DISCONNECTED'): Promise<void> {
    if (!this.#feed.watches(host.name)) {
      return;
    }

    const event = {
      type,
      occurredAt: new Date(),
      hostName: host.name,
      domainUuid: null,
      domainName: null,
      state: null,
    };
    await this.#feed.tell(host.name, null, { events: [{ log: 'domains', event }] });
  }

  #domainEvent(
    host: Host,
    type: 'DEFINED' | 'UNDEFINED' | 'STATE_CHANGED',
    uuid: string,
    name: string,
    state: string | null,
  ): Tiding {
    const event = {
      type,
      occurredAt: new Date(),
      hostName: host.name,
      domainUuid: uuid,
      domainName: name,
      state,
    };

    return { log: 'domains', event };
  }
}

function sameDomains(a: Map<string, KnownDomain>, b: Map<string, KnownDomain>): boolean {
  if (a.size !== b.size) {
    return false;
  }

  for (const [uuid, domain] of a) {
    const other = b.get(uuid);
    if (other === undefined || other.name !== domain.name || other.state !== domain.state) {
      return false;
    }
  }

  return true;
}
