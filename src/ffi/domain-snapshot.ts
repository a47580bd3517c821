import type { CallPool } from './call-pool.ts';
import { Connection } from './connection.ts';
import { Domain } from './domain.ts';
import { Handle } from './handle.ts';
import type { Address } from './native.ts';

/**
 * A `virDomainSnapshotPtr`: one reference to a snapshot of a domain, freed once by
 * {@link free}. Each method is one libvirt call; links go to its C documentation.
 */
export class DomainSnapshot extends Handle {
  /** @internal Wraps a reference the caller hands over. */
  static adopt(pool: CallPool, address: Address): DomainSnapshot {
    return new DomainSnapshot(pool, address);
  }

  /** @see https://libvirt.org/html/libvirt-libvirt-domain-snapshot.html#virDomainSnapshotGetName */
  name(): Promise<string> {
    return this.pool.run('snapshotGetName', this.address);
  }

  /** @see https://libvirt.org/html/libvirt-libvirt-domain-snapshot.html#virDomainSnapshotGetXMLDesc */
  xmlDesc(flags = 0): Promise<string> {
    return this.pool.run('snapshotGetXMLDesc', this.address, flags);
  }

  /** @see https://libvirt.org/html/libvirt-libvirt-domain-snapshot.html#virDomainSnapshotGetParent */
  async parent(flags = 0): Promise<DomainSnapshot> {
    return this.#adopt(await this.pool.run('snapshotGetParent', this.address, flags));
  }

  /** @see https://libvirt.org/html/libvirt-libvirt-domain-snapshot.html#virDomainSnapshotIsCurrent */
  isCurrent(flags = 0): Promise<boolean> {
    return this.pool.run('snapshotIsCurrent', this.address, flags);
  }

  /** @see https://libvirt.org/html/libvirt-libvirt-domain-snapshot.html#virDomainSnapshotHasMetadata */
  hasMetadata(flags = 0): Promise<boolean> {
    return this.pool.run('snapshotHasMetadata', this.address, flags);
  }

  /**
   * The children (with `SnapshotListFlags.DESCENDANTS`, all descendants), each a handle the
   * caller frees.
   *
   * @see https://libvirt.org/html/libvirt-libvirt-domain-snapshot.html#virDomainSnapshotListAllChildren
   */
  async listAllChildren(flags = 0): Promise<DomainSnapshot[]> {
    const children = await this.pool.run('snapshotListAllChildren', this.address, flags);

    return children.map((child) => this.#adopt(child));
  }

  /** @see https://libvirt.org/html/libvirt-libvirt-domain-snapshot.html#virDomainSnapshotListChildrenNames */
  listChildrenNames(flags = 0): Promise<string[]> {
    return this.pool.run('snapshotListChildrenNames', this.address, flags);
  }

  /** @see https://libvirt.org/html/libvirt-libvirt-domain-snapshot.html#virDomainSnapshotNumChildren */
  numChildren(flags = 0): Promise<number> {
    return this.pool.run('snapshotNumChildren', this.address, flags);
  }

  /** @see https://libvirt.org/html/libvirt-libvirt-domain-snapshot.html#virDomainRevertToSnapshot */
  async revert(flags = 0): Promise<void> {
    await this.pool.run('domainRevertToSnapshot', this.address, flags);
  }

  /**
   * Deletes the snapshot in libvirt. The handle stays to be freed.
   *
   * @see https://libvirt.org/html/libvirt-libvirt-domain-snapshot.html#virDomainSnapshotDelete
   */
  async delete(flags = 0): Promise<void> {
    await this.pool.run('snapshotDelete', this.address, flags);
  }

  /**
   * The snapshot's domain, as a handle of its own for the caller to free.
   *
   * @see https://libvirt.org/html/libvirt-libvirt-domain-snapshot.html#virDomainSnapshotGetDomain
   */
  async domain(): Promise<Domain> {
    return Domain.adopt(this.pool, await this.pool.run('snapshotGetDomain', this.address));
  }

  /**
   * The snapshot's connection, as a handle of its own for the caller to close.
   *
   * @see https://libvirt.org/html/libvirt-libvirt-domain-snapshot.html#virDomainSnapshotGetConnect
   */
  async connection(): Promise<Connection> {
    return Connection.adopt(this.pool, await this.pool.run('snapshotGetConnect', this.address));
  }

  /**
   * A second handle on the same snapshot, holding a reference of its own.
   *
   * @see https://libvirt.org/html/libvirt-libvirt-domain-snapshot.html#virDomainSnapshotRef
   */
  async ref(): Promise<DomainSnapshot> {
    const address = this.address;
    await this.pool.run('snapshotRef', address);

    return this.#adopt(address);
  }

  /**
   * Releases this handle's reference; the snapshot itself stays in libvirt.
   *
   * @see https://libvirt.org/html/libvirt-libvirt-domain-snapshot.html#virDomainSnapshotFree
   */
  free(): Promise<void> {
    return this.release((address) => this.pool.run('snapshotFree', address));
  }

  #adopt(address: Address): DomainSnapshot {
    return DomainSnapshot.adopt(this.pool, address);
  }
}
