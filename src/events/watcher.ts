import type { Logger } from 'pino';
import { type DomainRecord, type Host, sameSnapshots } from '../hosts/host.ts';
import type { SnapshotTree } from '../hosts/snapshot-tree.ts';
import type { Events } from './events.ts';
import { publishSnapshotChanges } from './publish.ts';
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

interface KnownDomain {
  name: string;
  state: string;
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
 * skipped: the mutation sends its own events.
 */
export class SnapshotWatcher {
  readonly #hosts: Host[];
  readonly #events: Events;
  readonly #logger: Logger;
  readonly #intervalMs: number;
  readonly #sweepMs: number;
  readonly #domains = new Map<Host, Map<string, KnownDomain>>();
  readonly #connected = new Map<Host, boolean>();
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #lastSweep = Date.now();
  #soon: NodeJS.Timeout | undefined;
  // The look queued behind the one in progress, for lookNow.
  #next: Promise<void> | undefined;
  #stopped = false;

  constructor(hosts: Host[], events: Events, logger: Logger, options: WatcherOptions = {}) {
    this.#hosts = hosts;
    this.#events = events;
    this.#logger = logger;
    this.#intervalMs = options.intervalMs ?? 1000;
    this.#sweepMs = options.sweepMs ?? 60_000;
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
    while (this.#running !== undefined) {
      await this.#running;
    }

    const look = this.#look().finally(() => {
      this.#running = undefined;
    });
    this.#running = look;
    await look;
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
      this.#hostEvent(host, host.connected ? 'HOST_CONNECTED' : 'HOST_DISCONNECTED');
    }

    if (!host.connected) {
      return;
    }

    const domains = await host.domains();
    this.#compareDomains(host, domains);
    for (const domain of domains) {
      await host
        .watchLifecycle(domain.uuid)
        .catch((error: unknown) =>
          this.#logger.warn({ err: error, domain: domain.name }, 'no lifecycle events'),
        );
      await this.#watchDomain(host, domain, sweep).catch((error: unknown) =>
        this.#logger.warn({ err: error, domain: domain.name }, 'watching the domain failed'),
      );
    }
  }

  #compareDomains(host: Host, domains: DomainRecord[]): void {
    const previous = this.#domains.get(host);
    const current = new Map(domains.map((d) => [d.uuid, { name: d.name, state: d.state }]));
    this.#domains.set(host, current);
    if (previous === undefined) {
      return;
    }

    for (const domain of domains) {
      const known = previous.get(domain.uuid);
      if (known === undefined) {
        this.#domainEvent(host, 'DEFINED', domain.uuid, domain.name, domain.state);
        // Every snapshot of a domain defined since the last look is news, also one taken (or
        // redefined) before this look: without a tree to compare with, the first look at the
        // domain would take its snapshots as known and send nothing for them.
        if (host.knownTree(domain.uuid) === undefined) {
          host.rememberAsNew(domain.uuid);
        }
      } else if (known.state !== domain.state) {
        this.#domainEvent(host, 'STATE_CHANGED', domain.uuid, domain.name, domain.state);
      }
    }

    for (const [uuid, known] of previous) {
      if (!current.has(uuid)) {
        this.#undefined(host, uuid, known.name);
      }
    }
  }

  // A domain that is gone takes its snapshots with it: one DELETED each, then UNDEFINED.
  #undefined(host: Host, uuid: string, name: string): void {
    const tree = host.knownTree(uuid);
    host.forget(uuid);
    if (tree !== undefined) {
      const changes = tree
        .topological()
        .map((document) => ({ type: 'DELETED' as const, snapshotName: document.name }));
      publishSnapshotChanges(
        this.#events,
        { hostName: host.name, uuid, name },
        changes,
        'EXTERNAL',
      );
    }

    this.#domainEvent(host, 'UNDEFINED', uuid, name, null);
  }

  async #watchDomain(host: Host, domain: DomainRecord, sweep: boolean): Promise<void> {
    const { uuid } = domain;
    const generation = host.generation(uuid);
    if (host.isBusy(uuid)) {
      return;
    }

    const known = host.knownTree(uuid);
    let tree: SnapshotTree;
    if (known !== undefined && !sweep) {
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
    if (known !== undefined) {
      const changes = diffTrees(known, tree, { kind: 'external' });
      publishSnapshotChanges(
        this.#events,
        { hostName: host.name, uuid, name: domain.name },
        changes,
        'EXTERNAL',
      );
    }
  }

  #hostEvent(host: Host, type: 'HOST_CONNECTED' | 'HOST_DISCONNECTED'): void {
    this.#events.domains.append({
      type,
      occurredAt: new Date(),
      hostName: host.name,
      domainUuid: null,
      domainName: null,
      state: null,
    });
  }

  #domainEvent(
    host: Host,
    type: 'DEFINED' | 'UNDEFINED' | 'STATE_CHANGED',
    uuid: string,
    name: string,
    state: string | null,
  ): void {
    this.#events.domains.append({
      type,
      occurredAt: new Date(),
      hostName: host.name,
      domainUuid: uuid,
      domainName: name,
      state,
    });
  }
}
