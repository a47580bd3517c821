import type { CallPool } from './call-pool.ts';
import type {
  DomainInfo,
  DomainStateInfo,
  SnapshotCall,
  SnapshotCallResult,
  SnapshotListing,
} from './calls.ts';
import type { DomainJobInfo, DomainJobStats } from './domain-job.ts';
import { DomainSnapshot } from './domain-snapshot.ts';
import { Handle } from './handle.ts';
import type { Address } from './native.ts';

// A listing's XML is fetched in at most MAX_PARTS parts at once (libvirtd serves five calls
// of one client at a time by default: max_client_requests), none smaller than MIN_PART.
const MAX_PARTS = 5;
const MIN_PART = 50;

/**
 * A `virDomainPtr`: one reference to a domain, freed once by {@link free}. Besides the
 * domain calls the server needs, it holds the snapshot module's domain-level calls.
 */
export class Domain extends Handle {
  /** @internal Wraps a reference the caller hands over. */
  static adopt(pool: CallPool, address: Address): Domain {
    return new Domain(pool, address);
  }

  /** @see https://libvirt.org/html/libvirt-libvirt-domain.html#virDomainGetName */
  name(): Promise<string> {
    return this.pool.run('domainGetName', this.address);
  }

  /** @see https://libvirt.org/html/libvirt-libvirt-domain.html#virDomainGetUUIDString */
  uuid(): Promise<string> {
    return this.pool.run('domainGetUUIDString', this.address);
  }

  /** `virDomainState` and its reason. @see https://libvirt.org/html/libvirt-libvirt-domain.html#virDomainGetState */
  state(): Promise<DomainStateInfo> {
    return this.pool.run('domainGetState', this.address);
  }

  /** @see https://libvirt.org/html/libvirt-libvirt-domain.html#virDomainGetXMLDesc */
  xmlDesc(flags = 0): Promise<string> {
    return this.pool.run('domainGetXMLDesc', this.address, flags);
  }

  /** @see https://libvirt.org/html/libvirt-libvirt-domain.html#virDomainIsActive */
  isActive(): Promise<boolean> {
    return this.pool.run('domainIsActive', this.address);
  }

  /** @see https://libvirt.org/html/libvirt-libvirt-domain.html#virDomainIsPersistent */
  isPersistent(): Promise<boolean> {
    return this.pool.run('domainIsPersistent', this.address);
  }

  /** Starts the defined domain. @see https://libvirt.org/html/libvirt-libvirt-domain.html#virDomainCreate */
  async create(): Promise<void> {
    await this.pool.run('domainCreate', this.address);
  }

  /** Stops the domain at once. @see https://libvirt.org/html/libvirt-libvirt-domain.html#virDomainDestroy */
  async destroy(): Promise<void> {
    await this.pool.run('domainDestroy', this.address);
  }

  /** @see https://libvirt.org/html/libvirt-libvirt-domain.html#virDomainUndefineFlags */
  async undefine(flags = 0): Promise<void> {
    await this.pool.run('domainUndefineFlags', this.address, flags);
  }

  /**
   * The job the domain is running (a snapshot with memory, a revert, a migration), with its
   * progress; `type` is `NONE` when it runs none. It runs on a call thread of its own, so it
   * answers while another thread waits on the job's call. libvirtd may still hold the answer
   * back, at worst until the job ends: at a job's first and last steps, and through the
   * whole of an internal snapshot or revert of a running domain (savevm, loadvm), which
   * then report `NONE`. On QEMU, a domain that is not running has no job to report: libvirt
   * refuses with `OPERATION_INVALID`.
   *
   * @see https://libvirt.org/html/libvirt-libvirt-domain.html#virDomainGetJobInfo
   */
  jobInfo(): Promise<DomainJobInfo> {
    return this.pool.run('domainGetJobInfo', this.address);
  }

  /**
   * The statistics of the job the domain is running, or with `DomainJobStatsFlags.COMPLETED`
   * of the one it last completed; more fields than {@link jobInfo}, and the operation that
   * started the job. libvirt 9.0 fails with `INTERNAL_ERROR` ("invalid job statistics type")
   * while it deletes an external snapshot, where {@link jobInfo} still answers.
   *
   * @see https://libvirt.org/html/libvirt-libvirt-domain.html#virDomainGetJobStats
   */
  jobStats(flags = 0): Promise<DomainJobStats> {
    return this.pool.run('domainGetJobStats', this.address, flags);
  }

  /**
   * Asks libvirt to abort the domain's job; the job's own call then fails. Fails when the
   * domain runs no job, or one that cannot be aborted.
   *
   * @see https://libvirt.org/html/libvirt-libvirt-domain.html#virDomainAbortJob
   */
  async abortJob(): Promise<void> {
    await this.pool.run('domainAbortJob', this.address);
  }

  /** @see https://libvirt.org/html/libvirt-libvirt-domain-snapshot.html#virDomainHasCurrentSnapshot */
  hasCurrentSnapshot(flags = 0): Promise<boolean> {
    return this.pool.run('domainHasCurrentSnapshot', this.address, flags);
  }

  /**
   * Every snapshot `flags` selects, each a handle the caller frees.
   *
   * @see https://libvirt.org/html/libvirt-libvirt-domain-snapshot.html#virDomainListAllSnapshots
   */
  async listAllSnapshots(flags = 0): Promise<DomainSnapshot[]> {
    const snapshots = await this.pool.run('domainListAllSnapshots', this.address, flags);

    return snapshots.map((snapshot) => DomainSnapshot.adopt(this.pool, snapshot));
  }

  /** @see https://libvirt.org/html/libvirt-libvirt-domain-snapshot.html#virDomainSnapshotCreateXML */
  async snapshotCreateXML(xml: string, flags = 0): Promise<DomainSnapshot> {
    const snapshot = await this.pool.run('snapshotCreateXML', this.address, xml, flags);

    return DomainSnapshot.adopt(this.pool, snapshot);
  }

  /** @see https://libvirt.org/html/libvirt-libvirt-domain-snapshot.html#virDomainSnapshotCurrent */
  async currentSnapshot(flags = 0): Promise<DomainSnapshot> {
    const snapshot = await this.pool.run('snapshotCurrent', this.address, flags);

    return DomainSnapshot.adopt(this.pool, snapshot);
  }

  /** @see https://libvirt.org/html/libvirt-libvirt-domain-snapshot.html#virDomainSnapshotLookupByName */
  async snapshotLookupByName(name: string, flags = 0): Promise<DomainSnapshot> {
    const snapshot = await this.pool.run('snapshotLookupByName', this.address, name, flags);

    return DomainSnapshot.adopt(this.pool, snapshot);
  }

  /** @see https://libvirt.org/html/libvirt-libvirt-domain-snapshot.html#virDomainSnapshotNum */
  snapshotNum(flags = 0): Promise<number> {
    return this.pool.run('snapshotNum', this.address, flags);
  }

  /** @see https://libvirt.org/html/libvirt-libvirt-domain-snapshot.html#virDomainSnapshotListNames */
  snapshotListNames(flags = 0): Promise<string[]> {
    return this.pool.run('snapshotListNames', this.address, flags);
  }

  /** Name, UUID, state and persistence in one round trip. */
  info(): Promise<DomainInfo> {
    return this.pool.run('domainInfo', this.address);
  }

  /**
   * Every snapshot's name and XML and the current snapshot's name: one
   * virDomainListAllSnapshots, one virDomainSnapshotGetXMLDesc per snapshot, one
   * virDomainSnapshotCurrent. Each fetch is a round trip to libvirtd that mostly waits, and
   * libvirtd serves several calls of one connection at once: the listed handles are split
   * over the call threads (at most MAX_PARTS parts), which fetch their parts at the same time.
   * With one call thread, it is all one trip.
   */
  async snapshotListing(xmlFlags = 0): Promise<SnapshotListing> {
    const parts = Math.min(this.pool.size, MAX_PARTS);
    if (parts < 2) {
      return this.pool.run('snapshotListing', this.address, xmlFlags);
    }

    const { handles, current } = await this.pool.run('snapshotHandles', this.address);
    const partSize = Math.max(MIN_PART, Math.ceil(handles.length / parts));
    const reads: Array<Promise<SnapshotListing['snapshots']>> = [];
    for (let start = 0; start < handles.length; start += partSize) {
      reads.push(
        this.pool.run('snapshotHandleXmls', handles.slice(start, start + partSize), xmlFlags),
      );
    }

    // Every part settles (and frees its handles) before a failure is passed on.
    const settled = await Promise.allSettled(reads);
    const failed = settled.find((result) => result.status === 'rejected');
    if (failed !== undefined) {
      throw failed.reason;
    }

    return {
      snapshots: settled.flatMap((result) => (result.status === 'fulfilled' ? result.value : [])),
      current,
    };
  }

  /** Every snapshot's name and the current one's, in one round trip (no XML). */
  snapshotSummary(): Promise<{ names: string[]; current: string | null }> {
    return this.pool.run('snapshotSummary', this.address);
  }

  /** virDomainSnapshotNum and the current snapshot's name, in one trip to a call thread. */
  snapshotCountAndCurrent(): Promise<{ count: number; current: string | null }> {
    return this.pool.run('snapshotCountAndCurrent', this.address);
  }

  /** The XML of the snapshots called `names`, in one round trip; gone ones are left out. */
  snapshotXmls(names: string[], xmlFlags = 0): Promise<Array<{ name: string; xml: string }>> {
    return this.pool.run('snapshotXmls', this.address, names, xmlFlags);
  }

  /** The names of the snapshots virDomainListAllSnapshots selects with `flags`. */
  snapshotNamesWhere(flags: number): Promise<string[]> {
    return this.pool.run('snapshotNamesWhere', this.address, flags);
  }

  /** The names of the children of `name` virDomainSnapshotListAllChildren selects. */
  childNamesWhere(name: string, flags: number): Promise<string[]> {
    return this.pool.run('childNamesWhere', this.address, name, flags);
  }

  /**
   * One snapshot-level call on the snapshot called `name`, looked up and freed in the same
   * round trip: for callers that know snapshots by name rather than by handle.
   */
  onSnapshot<C extends SnapshotCall>(
    name: string,
    call: C,
    flags = 0,
  ): Promise<SnapshotCallResult<C>> {
    return this.pool.run('onSnapshot', this.address, name, call, flags) as Promise<
      SnapshotCallResult<C>
    >;
  }

  /** A second handle on the same domain. @see https://libvirt.org/html/libvirt-libvirt-domain.html#virDomainRef */
  async ref(): Promise<Domain> {
    const address = this.address;
    await this.pool.run('domainRef', address);

    return Domain.adopt(this.pool, address);
  }

  /** Releases this handle's reference. @see https://libvirt.org/html/libvirt-libvirt-domain.html#virDomainFree */
  free(): Promise<void> {
    return this.release((address) => this.pool.run('domainFree', address));
  }
}
