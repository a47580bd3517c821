import type { CallPool } from './call-pool.ts';
import type { Address } from './native.ts';

/** A handle used after it was freed or closed. */
export class HandleFreedError extends Error {
  override readonly name = 'HandleFreedError';
}

/**
 * One reference to a libvirt object, owned by this handle and released once by
 * {@link release}. Using the handle afterwards throws instead of touching freed memory.
 */
export abstract class Handle {
  protected readonly pool: CallPool;
  readonly #address: Address;
  #released = false;

  protected constructor(pool: CallPool, address: Address) {
    this.pool = pool;
    this.#address = address;
  }

  /** Whether this handle's reference is still held. */
  get alive(): boolean {
    return !this.#released;
  }

  /** The object's address, for calls; throws once the handle is released. */
  protected get address(): Address {
    if (this.#released) {
      throw new HandleFreedError(`${this.constructor.name} used after it was freed`);
    }

    return this.#address;
  }

  /** @internal The address, for a registration that names this object (events). */
  get registrationAddress(): Address {
    return this.address;
  }

  /** Releases the handle's reference with `free`; later calls do nothing. */
  protected async release(free: (address: Address) => Promise<unknown>): Promise<void> {
    if (this.#released) {
      return;
    }

    this.#released = true;
    await free(this.#address);
  }
}
