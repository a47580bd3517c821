import { type Domain, type DomainSnapshot, Libvirt, LibvirtError } from '../../src/ffi/index.ts';

/** Frees every handle, whatever state each is in. */
export async function freeAll(handles: Array<DomainSnapshot | Domain>): Promise<void> {
  await Promise.all(handles.map((handle) => handle.free()));
}

/** The names of a domain's snapshots, sorted: what a bad call must leave unchanged. */
export async function snapshotNames(domain: Domain, flags = 0): Promise<string[]> {
  return (await domain.snapshotListNames(flags)).sort();
}

/** The LibvirtError `call` rejects with; fails the test when it resolves or throws another. */
export async function libvirtError(call: () => Promise<unknown>): Promise<LibvirtError> {
  try {
    await call();
  } catch (error) {
    if (error instanceof LibvirtError) {
      return error;
    }

    throw error;
  }

  throw new Error('expected a LibvirtError, but the call succeeded');
}

/** Starts the binding for one test file; `close` in afterAll. */
export function startBinding(callThreads = 4): Promise<Libvirt> {
  return Libvirt.start({ callThreads });
}
