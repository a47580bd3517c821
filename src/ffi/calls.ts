import {
  type Address,
  invoke,
  readBytes,
  readPointer,
  readPointers,
  readString,
  release,
  takeLastError,
  takeString,
  withMemory,
} from './native.ts';

/**
 * Every libvirt call of the binding, as it runs on a call thread: plain values in, plain
 * values out, libvirt's error read on this thread right after a failure. Pointers to
 * libvirt objects are returned as addresses whose one reference now belongs to the caller;
 * `connection.ts`, `domain.ts` and `domain-snapshot.ts` wrap them in handles that free it.
 *
 * @see https://libvirt.org/html/libvirt-libvirt-domain-snapshot.html
 */

const POINTER_SIZE = 8;
// VIR_UUID_STRING_BUFLEN: 36 characters and the NUL.
const UUID_STRING_BUFLEN = 37;

function object(func: string, address: Address): Address {
  if (address === 0n) {
    throw takeLastError(func);
  }

  return address;
}

function status(func: string, result: number): number {
  if (result < 0) {
    throw takeLastError(func);
  }

  return result;
}

function flag(func: string, result: number): boolean {
  return status(func, result) === 1;
}

function ownedString(func: string, address: Address): string {
  return takeString(object(func, address));
}

// A string that stays libvirt's: copied, never freed.
function borrowedString(func: string, address: Address): string {
  return readString(object(func, address));
}

// The ListAll* calls: libvirt allocates the array and one reference per element. The
// element addresses are copied out and handed to the caller, who frees each element; the
// array itself is only their container and is freed here.
function listAll(func: string, call: (out: Address) => number): Address[] {
  return withMemory(POINTER_SIZE, (out) => {
    const count = status(func, call(out));
    const array = readPointer(out);
    if (array === 0n) {
      return [];
    }

    const elements = readPointers(array, count);
    release(array);

    return elements;
  });
}

// The *ListNames calls: the caller provides an array of `max` slots, libvirt fills it with
// strings the caller frees one by one.
function listNames(func: string, max: number, call: (names: Address) => number): string[] {
  return withMemory(Math.max(max, 1) * POINTER_SIZE, (names) => {
    const count = status(func, call(names));

    return readPointers(names, count).map(takeString);
  });
}

function unsignedLong(func: string, call: (out: Address) => number): number {
  return withMemory(POINTER_SIZE, (out) => {
    status(func, call(out));

    return Number(readPointer(out));
  });
}

/** The state of a domain and why it is in it, from virDomainGetState. */
export interface DomainStateInfo {
  state: number;
  reason: number;
}

export const calls = {
  // The connection: https://libvirt.org/html/libvirt-libvirt-host.html

  connectOpen: (uri: string) => object('virConnectOpen', invoke('virConnectOpen', uri)),
  connectOpenReadOnly: (uri: string) =>
    object('virConnectOpenReadOnly', invoke('virConnectOpenReadOnly', uri)),
  connectClose: (conn: Address) => status('virConnectClose', invoke('virConnectClose', conn)),
  connectRef: (conn: Address) => status('virConnectRef', invoke('virConnectRef', conn)),
  connectListAllDomains: (conn: Address, flags: number) =>
    listAll('virConnectListAllDomains', (out) =>
      invoke('virConnectListAllDomains', conn, out, flags),
    ),
  connectGetLibVersion: (conn: Address) =>
    unsignedLong('virConnectGetLibVersion', (out) => invoke('virConnectGetLibVersion', conn, out)),
  connectGetVersion: (conn: Address) =>
    unsignedLong('virConnectGetVersion', (out) => invoke('virConnectGetVersion', conn, out)),
  connectGetType: (conn: Address) =>
    borrowedString('virConnectGetType', invoke('virConnectGetType', conn)),
  connectGetHostname: (conn: Address) =>
    ownedString('virConnectGetHostname', invoke('virConnectGetHostname', conn)),
  connectGetURI: (conn: Address) =>
    ownedString('virConnectGetURI', invoke('virConnectGetURI', conn)),
  connectIsAlive: (conn: Address) => flag('virConnectIsAlive', invoke('virConnectIsAlive', conn)),
  connectSetKeepAlive: (conn: Address, interval: number, count: number) =>
    status('virConnectSetKeepAlive', invoke('virConnectSetKeepAlive', conn, interval, count)),
  connectRegisterCloseCallback: (conn: Address, callback: Address) =>
    status(
      'virConnectRegisterCloseCallback',
      invoke('virConnectRegisterCloseCallback', conn, callback, 0n, 0n),
    ),
  connectUnregisterCloseCallback: (conn: Address, callback: Address) =>
    status(
      'virConnectUnregisterCloseCallback',
      invoke('virConnectUnregisterCloseCallback', conn, callback),
    ),

  // Domains: https://libvirt.org/html/libvirt-libvirt-domain.html

  domainLookupByName: (conn: Address, name: string) =>
    object('virDomainLookupByName', invoke('virDomainLookupByName', conn, name)),
  domainLookupByUUIDString: (conn: Address, uuid: string) =>
    object('virDomainLookupByUUIDString', invoke('virDomainLookupByUUIDString', conn, uuid)),
  domainDefineXML: (conn: Address, xml: string) =>
    object('virDomainDefineXML', invoke('virDomainDefineXML', conn, xml)),
  domainUndefineFlags: (dom: Address, flags: number) =>
    status('virDomainUndefineFlags', invoke('virDomainUndefineFlags', dom, flags)),
  domainCreate: (dom: Address) => status('virDomainCreate', invoke('virDomainCreate', dom)),
  domainDestroy: (dom: Address) => status('virDomainDestroy', invoke('virDomainDestroy', dom)),
  domainFree: (dom: Address) => status('virDomainFree', invoke('virDomainFree', dom)),
  domainRef: (dom: Address) => status('virDomainRef', invoke('virDomainRef', dom)),
  domainGetName: (dom: Address) =>
    borrowedString('virDomainGetName', invoke('virDomainGetName', dom)),
  domainGetUUIDString: (dom: Address) =>
    withMemory(UUID_STRING_BUFLEN, (buffer) => {
      status('virDomainGetUUIDString', invoke('virDomainGetUUIDString', dom, buffer));

      return readString(buffer);
    }),
  domainGetState: (dom: Address): DomainStateInfo =>
    withMemory(POINTER_SIZE, (out) => {
      status('virDomainGetState', invoke('virDomainGetState', dom, out, out + 4n, 0));
      const ints = readBytes(out, POINTER_SIZE);

      return { state: ints.readInt32LE(0), reason: ints.readInt32LE(4) };
    }),
  domainGetXMLDesc: (dom: Address, flags: number) =>
    ownedString('virDomainGetXMLDesc', invoke('virDomainGetXMLDesc', dom, flags)),
  domainIsActive: (dom: Address) => flag('virDomainIsActive', invoke('virDomainIsActive', dom)),
  domainIsPersistent: (dom: Address) =>
    flag('virDomainIsPersistent', invoke('virDomainIsPersistent', dom)),

  // Snapshots: https://libvirt.org/html/libvirt-libvirt-domain-snapshot.html

  domainHasCurrentSnapshot: (dom: Address, flags: number) =>
    flag('virDomainHasCurrentSnapshot', invoke('virDomainHasCurrentSnapshot', dom, flags)),
  domainListAllSnapshots: (dom: Address, flags: number) =>
    listAll('virDomainListAllSnapshots', (out) =>
      invoke('virDomainListAllSnapshots', dom, out, flags),
    ),
  domainRevertToSnapshot: (snap: Address, flags: number) =>
    status('virDomainRevertToSnapshot', invoke('virDomainRevertToSnapshot', snap, flags)),
  snapshotCreateXML: (dom: Address, xml: string, flags: number) =>
    object('virDomainSnapshotCreateXML', invoke('virDomainSnapshotCreateXML', dom, xml, flags)),
  snapshotCurrent: (dom: Address, flags: number) =>
    object('virDomainSnapshotCurrent', invoke('virDomainSnapshotCurrent', dom, flags)),
  snapshotDelete: (snap: Address, flags: number) =>
    status('virDomainSnapshotDelete', invoke('virDomainSnapshotDelete', snap, flags)),
  snapshotFree: (snap: Address) =>
    status('virDomainSnapshotFree', invoke('virDomainSnapshotFree', snap)),
  // GetConnect and GetDomain return libvirt's own pointer, which the caller must not free;
  // a reference is taken here so that the handle the caller gets is its own to free.
  snapshotGetConnect: (snap: Address) => {
    const conn = object('virDomainSnapshotGetConnect', invoke('virDomainSnapshotGetConnect', snap));
    status('virConnectRef', invoke('virConnectRef', conn));

    return conn;
  },
  snapshotGetDomain: (snap: Address) => {
    const dom = object('virDomainSnapshotGetDomain', invoke('virDomainSnapshotGetDomain', snap));
    status('virDomainRef', invoke('virDomainRef', dom));

    return dom;
  },
  snapshotGetName: (snap: Address) =>
    borrowedString('virDomainSnapshotGetName', invoke('virDomainSnapshotGetName', snap)),
  snapshotGetParent: (snap: Address, flags: number) =>
    object('virDomainSnapshotGetParent', invoke('virDomainSnapshotGetParent', snap, flags)),
  snapshotGetXMLDesc: (snap: Address, flags: number) =>
    ownedString('virDomainSnapshotGetXMLDesc', invoke('virDomainSnapshotGetXMLDesc', snap, flags)),
  snapshotHasMetadata: (snap: Address, flags: number) =>
    flag('virDomainSnapshotHasMetadata', invoke('virDomainSnapshotHasMetadata', snap, flags)),
  snapshotIsCurrent: (snap: Address, flags: number) =>
    flag('virDomainSnapshotIsCurrent', invoke('virDomainSnapshotIsCurrent', snap, flags)),
  snapshotListAllChildren: (snap: Address, flags: number) =>
    listAll('virDomainSnapshotListAllChildren', (out) =>
      invoke('virDomainSnapshotListAllChildren', snap, out, flags),
    ),
  snapshotListChildrenNames: (snap: Address, flags: number) => {
    const max = status(
      'virDomainSnapshotNumChildren',
      invoke('virDomainSnapshotNumChildren', snap, flags),
    );

    return listNames('virDomainSnapshotListChildrenNames', max, (names) =>
      invoke('virDomainSnapshotListChildrenNames', snap, names, max, flags),
    );
  },
  snapshotListNames: (dom: Address, flags: number) => {
    const max = status('virDomainSnapshotNum', invoke('virDomainSnapshotNum', dom, flags));

    return listNames('virDomainSnapshotListNames', max, (names) =>
      invoke('virDomainSnapshotListNames', dom, names, max, flags),
    );
  },
  snapshotLookupByName: (dom: Address, name: string, flags: number) =>
    object(
      'virDomainSnapshotLookupByName',
      invoke('virDomainSnapshotLookupByName', dom, name, flags),
    ),
  snapshotNum: (dom: Address, flags: number) =>
    status('virDomainSnapshotNum', invoke('virDomainSnapshotNum', dom, flags)),
  snapshotNumChildren: (snap: Address, flags: number) =>
    status('virDomainSnapshotNumChildren', invoke('virDomainSnapshotNumChildren', snap, flags)),
  // Diagnostics, for the memory soak: collect this thread's garbage (when Node runs with
  // --expose-gc) and hand free heap pages back, so that resident memory shows what is held.
  collectGarbage: () => {
    (globalThis as { gc?: () => void }).gc?.();

    return invoke('malloc_trim', 0);
  },

  snapshotRef: (snap: Address) =>
    status('virDomainSnapshotRef', invoke('virDomainSnapshotRef', snap)),
} as const;

/** The calls a call thread answers. */
export type Calls = typeof calls;
export type CallName = keyof Calls;
