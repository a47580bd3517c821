import type { SnapshotTree } from '../hosts/snapshot-tree.ts';
import type { Events } from './events.ts';
import type {
  DomainEvent,
  EventOrigin,
  SnapshotEvent,
  SnapshotJobEvent,
} from './snapshot-event.ts';
import type { SnapshotChange, TreeBefore } from './tree-diff.ts';

/** The domain a change belongs to, as events name it. */
export interface ChangedDomain {
  hostName: string;
  uuid: string;
  name: string;
}

/** A domain as the watcher knows it between two looks. */
export interface KnownDomain {
  name: string;
  state: string;
}

/** One event to tell, for the log it belongs in. */
export type Tiding =
  | { log: 'snapshots'; event: Omit<SnapshotEvent, 'id'> }
  | { log: 'domains'; event: Omit<DomainEvent, 'id'> };

/** Events to tell at once, with what subscribers know once they have them. */
export interface Tidings {
  /** In the order subscribers get them. */
  events: Tiding[];
  /** Each domain's tree after them; null for a domain that is gone. */
  trees?: [uuid: string, tree: SnapshotTree | null][];
  /** The host's domains after them. */
  domains?: Map<string, KnownDomain>;
}

/** A domain whose trees another replica's events say changed, to read again before them. */
export interface RefreshTarget {
  hostName: string;
  uuid: string;
  /** Read every snapshot's XML: a snapshot was redefined, which names alone do not show. */
  full: boolean;
}

/** Who holds a lock: a mutation waits a moment for a watcher's, which is short. */
export type LockHolder = 'watcher' | 'mutation';

/** The lock of a host's list of domains, beside the lock of each domain (by its UUID). */
export const DOMAIN_LIST = '#domains';

/**
 * Where changes are told: to this process's event logs (LocalFeed), or over Redis to every
 * replica's (RedisFeed). Replicas share what was last told of each tree, so that whichever
 * replica tells next compares with that and nothing is told twice or lost.
 */
export interface ChangeFeed {
  /** Whether this process tells what it sees on the host (or leaves it to another replica). */
  watches(hostName: string): boolean;
  /**
   * Runs `work` holding the lock `name` (a domain's UUID, or DOMAIN_LIST) of the host in every
   * process; resolves undefined without running it while another holds the lock.
   */
  withLock<T>(
    hostName: string,
    name: string,
    holder: LockHolder,
    work: () => Promise<T>,
  ): Promise<{ value: T } | undefined>;
  /** The domain's tree as last told to every replica; null where nothing is shared. */
  toldTree(hostName: string, uuid: string): Promise<TreeBefore | null>;
  /** The host's domains as last told to every replica; null where nothing is shared. */
  toldDomains(hostName: string): Promise<Map<string, KnownDomain> | null>;
  /**
   * How many times each domain (and DOMAIN_LIST) of the host has been told, as replicas
   * share it; empty where nothing is shared. Read before libvirt, and given to `tell`, it
   * lets a tell based on a reading that another replica's tell overtook be refused.
   */
  stamps(hostName: string): Promise<Map<string, string>>;
  /**
   * Tells the events and records what they leave told; under the lock `name` (null: none,
   * for events that change nothing told). Resolves false when nothing was told: the lock
   * ran out, or `stamp` is given and another tell came since it was read.
   */
  tell(hostName: string, name: string | null, tidings: Tidings, stamp?: string): Promise<boolean>;
  /** Tells one report of a job in flight; no lock, nothing recorded. */
  tellJob(event: Omit<SnapshotJobEvent, 'id'>): void;
  /** Calls `listener` when this process starts watching a host another one watched. */
  onTakeOver(listener: (hostName: string) => void): void;
  /**
   * Takes what leases it can, then keeps them and listens for other replicas' events;
   * `refresh` reads the domains they name again before their subscribers get them, and
   * `canWatch` says whether this process can watch a host now (it is connected).
   */
  start(
    refresh: (targets: RefreshTarget[]) => Promise<void>,
    canWatch: (hostName: string) => boolean,
  ): Promise<void>;
  close(): Promise<void>;
}

/** The events that tell one domain's changes. */
export function snapshotTidings(
  domain: ChangedDomain,
  changes: readonly SnapshotChange[],
  origin: EventOrigin,
): Tiding[] {
  const occurredAt = new Date();

  return changes.map((change) => ({
    log: 'snapshots',
    event: {
      type: change.type,
      origin,
      occurredAt,
      hostName: domain.hostName,
      domainUuid: domain.uuid,
      domainName: domain.name,
      snapshotName: change.snapshotName,
    },
  }));
}

/** Everything in one process: events go to its own logs, and nothing is shared or locked. */
export class LocalFeed implements ChangeFeed {
  readonly #events: Events;

  constructor(events: Events) {
    this.#events = events;
  }

  watches(): boolean {
    return true;
  }

  async withLock<T>(
    _hostName: string,
    _name: string,
    _holder: LockHolder,
    work: () => Promise<T>,
  ): Promise<{ value: T }> {
    return { value: await work() };
  }

  async toldTree(): Promise<null> {
    return null;
  }

  async toldDomains(): Promise<null> {
    return null;
  }

  async stamps(): Promise<Map<string, string>> {
    return new Map();
  }

  async tell(_hostName: string, _name: string | null, tidings: Tidings): Promise<boolean> {
    for (const tiding of tidings.events) {
      if (tiding.log === 'snapshots') {
        this.#events.snapshots.append(tiding.event);
      } else {
        this.#events.domains.append(tiding.event);
      }
    }

    return true;
  }

  tellJob(event: Omit<SnapshotJobEvent, 'id'>): void {
    this.#events.jobs.append(event);
  }

  onTakeOver(): void {}

  async start(): Promise<void> {}

  async close(): Promise<void> {}
}
