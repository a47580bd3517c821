import type { CallPool } from './call-pool.ts';
import type { DomainInfo } from './calls.ts';
import { Domain } from './domain.ts';
import { ConnectCloseReason, type ConnectCloseReasonValue, DomainEventId } from './flags.ts';
import { Handle } from './handle.ts';
import type { Address } from './native.ts';
import { DataType, NativeCallback } from './native-callback.ts';

/**
 * Called for a domain lifecycle event (`DomainLifecycleEvent`, and its detail). It names no
 * domain: the registration does, since the domain pointer libvirt passed is gone by the time
 * JavaScript runs.
 */
export type LifecycleListener = (event: number, detail: number) => void;

/** Called when libvirt closes a connection on its own: the daemon went away, keep-alive. */
export type CloseListener = (reason: ConnectCloseReasonValue) => void;

/**
 * A `virConnectPtr`: one reference to a connection, released once by {@link close}.
 *
 * @see https://libvirt.org/html/libvirt-libvirt-host.html
 */
export class Connection extends Handle {
  readonly #listeners = new Set<CloseListener>();
  #closeCallback: NativeCallback | undefined;
  #onReleased: (() => void) | undefined;
  #lifecycleCallback: NativeCallback | undefined;
  // Registration number (libvirt's opaque) -> listener and libvirt's callback ID.
  readonly #lifecycle = new Map<number, { listener: LifecycleListener; callbackId: number }>();
  #nextRegistration = 1;

  /** @internal Wraps a reference the caller hands over. */
  static adopt(pool: CallPool, address: Address, onReleased?: () => void): Connection {
    const connection = new Connection(pool, address);
    connection.#onReleased = onReleased;

    return connection;
  }

  /**
   * Every domain `flags` selects (`ListDomainsFlags`), each a handle the caller frees.
   *
   * @see https://libvirt.org/html/libvirt-libvirt-domain.html#virConnectListAllDomains
   */
  async listAllDomains(flags = 0): Promise<Domain[]> {
    const domains = await this.pool.run('connectListAllDomains', this.address, flags);

    return domains.map((domain) => Domain.adopt(this.pool, domain));
  }

  /** Each domain's name, UUID, state and persistence in one round trip. */
  domainInfos(flags = 0): Promise<DomainInfo[]> {
    return this.pool.run('domainInfos', this.address, flags);
  }

  /**
   * The name, UUID, state and persistence of the domain called `name`, in one round trip
   * (virDomainLookupByName, the reads, virDomainFree); the caller keeps no handle.
   */
  domainInfoByName(name: string): Promise<DomainInfo> {
    return this.pool.run('domainInfoByName', this.address, name);
  }

  /** @see https://libvirt.org/html/libvirt-libvirt-domain.html#virDomainLookupByName */
  async lookupDomainByName(name: string): Promise<Domain> {
    return Domain.adopt(this.pool, await this.pool.run('domainLookupByName', this.address, name));
  }

  /** @see https://libvirt.org/html/libvirt-libvirt-domain.html#virDomainLookupByUUIDString */
  async lookupDomainByUUID(uuid: string): Promise<Domain> {
    const domain = await this.pool.run('domainLookupByUUIDString', this.address, uuid);

    return Domain.adopt(this.pool, domain);
  }

  /** @see https://libvirt.org/html/libvirt-libvirt-domain.html#virDomainDefineXML */
  async defineDomain(xml: string): Promise<Domain> {
    return Domain.adopt(this.pool, await this.pool.run('domainDefineXML', this.address, xml));
  }

  /** libvirt's version as a number, 9000000 for 9.0.0. @see https://libvirt.org/html/libvirt-libvirt-host.html#virConnectGetLibVersion */
  libVersion(): Promise<number> {
    return this.pool.run('connectGetLibVersion', this.address);
  }

  /** The hypervisor's version as a number. @see https://libvirt.org/html/libvirt-libvirt-host.html#virConnectGetVersion */
  hypervisorVersion(): Promise<number> {
    return this.pool.run('connectGetVersion', this.address);
  }

  /** The driver's name: "QEMU", "TEST". @see https://libvirt.org/html/libvirt-libvirt-host.html#virConnectGetType */
  type(): Promise<string> {
    return this.pool.run('connectGetType', this.address);
  }

  /** @see https://libvirt.org/html/libvirt-libvirt-host.html#virConnectGetHostname */
  hostname(): Promise<string> {
    return this.pool.run('connectGetHostname', this.address);
  }

  /** The URI libvirt resolved the connection to. @see https://libvirt.org/html/libvirt-libvirt-host.html#virConnectGetURI */
  uri(): Promise<string> {
    return this.pool.run('connectGetURI', this.address);
  }

  /** @see https://libvirt.org/html/libvirt-libvirt-host.html#virConnectIsAlive */
  isAlive(): Promise<boolean> {
    return this.pool.run('connectIsAlive', this.address);
  }

  /**
   * Sends keep-alive probes every `interval` seconds and closes the connection after `count`
   * unanswered ones. Needs the binding's event loop. Resolves false when the other side does
   * not support keep-alive (libvirt answers 1).
   *
   * @see https://libvirt.org/html/libvirt-libvirt-host.html#virConnectSetKeepAlive
   */
  async setKeepAlive(interval: number, count: number): Promise<boolean> {
    return (await this.pool.run('connectSetKeepAlive', this.address, interval, count)) === 0;
  }

  /**
   * Calls `listener` when libvirt closes the connection on its own (`ConnectCloseReason`);
   * resolves to a function that stops it. libvirt holds one close callback per connection,
   * registered with the first listener.
   *
   * @see https://libvirt.org/html/libvirt-libvirt-host.html#virConnectRegisterCloseCallback
   */
  async onClose(listener: CloseListener): Promise<() => void> {
    this.#listeners.add(listener);
    if (this.#closeCallback === undefined) {
      const callback = new NativeCallback(
        [DataType.BigInt, DataType.I32, DataType.BigInt],
        DataType.Void,
        (_conn: bigint, reason: number) => this.#closed(reason),
      );
      this.#closeCallback = callback;
      try {
        await this.pool.run('connectRegisterCloseCallback', this.address, callback.address);
      } catch (error) {
        this.#closeCallback = undefined;
        this.#listeners.delete(listener);
        callback.dispose();
        throw error;
      }
    }

    return () => this.#listeners.delete(listener);
  }

  /**
   * Calls `listener` for each lifecycle event of `domain`, or of every domain when it is null;
   * resolves to a function that stops it. All registrations share one native callback, and
   * libvirt hands each the registration's own number, which is how the listener is found:
   * the event's domain pointer is never read.
   *
   * @see https://libvirt.org/html/libvirt-libvirt-domain.html#virConnectDomainEventRegisterAny
   */
  async onDomainLifecycle(
    domain: Domain | null,
    listener: LifecycleListener,
  ): Promise<() => Promise<void>> {
    this.#lifecycleCallback ??= new NativeCallback(
      [DataType.BigInt, DataType.BigInt, DataType.I32, DataType.I32, DataType.BigInt],
      DataType.I32,
      (_conn: bigint, _dom: bigint, event: number, detail: number, opaque: bigint) => {
        this.#lifecycle.get(Number(opaque))?.listener(event, detail);

        // libvirt ignores the value, but ffi-rs aborts when an I32 callback returns nothing.
        return 0;
      },
    );
    const registration = this.#nextRegistration++;
    const callbackId = await this.pool.run(
      'connectDomainEventRegisterAny',
      this.address,
      domain === null ? 0n : domain.registrationAddress,
      DomainEventId.LIFECYCLE,
      this.#lifecycleCallback.address,
      BigInt(registration),
    );
    this.#lifecycle.set(registration, { listener, callbackId });

    return async () => {
      if (this.#lifecycle.delete(registration) && this.alive) {
        await this.pool.run('connectDomainEventDeregisterAny', this.address, callbackId);
      }
    };
  }

  /**
   * Releases this handle's reference; libvirt closes the connection with the last one.
   *
   * @see https://libvirt.org/html/libvirt-libvirt-host.html#virConnectClose
   */
  close(): Promise<void> {
    return this.release(async (address) => {
      const registrations = [...this.#lifecycle.values()];
      this.#lifecycle.clear();
      await Promise.allSettled(
        registrations.map(({ callbackId }) =>
          this.pool.run('connectDomainEventDeregisterAny', address, callbackId),
        ),
      );
      this.#lifecycleCallback?.dispose();
      this.#lifecycleCallback = undefined;
      const callback = this.#closeCallback;
      this.#closeCallback = undefined;
      this.#listeners.clear();
      try {
        if (callback !== undefined) {
          // A connection that libvirt already closed may refuse this; it is closed all the same.
          await this.pool
            .run('connectUnregisterCloseCallback', address, callback.address)
            .catch(() => undefined);
          callback.dispose();
        }
      } finally {
        await this.pool.run('connectClose', address);
        this.#onReleased?.();
      }
    });
  }

  #closed(reason: number): void {
    const known = Object.values(ConnectCloseReason) as number[];
    const closeReason = (
      known.includes(reason) ? reason : ConnectCloseReason.ERROR
    ) as ConnectCloseReasonValue;
    for (const listener of this.#listeners) {
      listener(closeReason);
    }
  }
}
