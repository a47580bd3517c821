import {
  type DomainJobInfo,
  type DomainJobStats,
  JOB_INFO_SIZE,
  jobStats,
  readJobInfo,
} from './domain-job.ts';
import {
  type Address,
  invoke,
  libvirtCallCounts,
  readBytes,
  readPointer,
  readPointers,
  readString,
  release,
  takeLastError,
  takeString,
  withMemory,
} from './native.ts';
import { readTypedParameters } from './typed-parameters.ts';

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
// virDomainGetJobStats's three out-parameters, in one block: the job type (int) at 0, the
// parameter count (int) at 4, the parameter array's address at 8.
const JOB_STATS_TYPE = 0;
const JOB_STATS_COUNT = 4;
const JOB_STATS_ARRAY = 8;
const JOB_STATS_OUT_SIZE = 16;

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

// Runs `use` on each snapshot of `snapshots`, then frees every one of them.
function consume<T>(snapshots: Address[], use: (snapshot: Address) => T): T[] {
  try {
    return snapshots.map(use);
  } finally {
    for (const snapshot of snapshots) {
      invoke('virDomainSnapshotFree', snapshot);
    }
  }
}

function snapshotName(snapshot: Address): string {
  return borrowedString('virDomainSnapshotGetName', invoke('virDomainSnapshotGetName', snapshot));
}

function domainInfo(dom: Address): DomainInfo {
  const { state } = calls.domainGetState(dom);

  return {
    name: calls.domainGetName(dom),
    uuid: calls.domainGetUUIDString(dom),
    state,
    persistent: calls.domainIsPersistent(dom),
  };
}

/** What the server shows of a domain, read in one call thread round trip. */
export interface DomainInfo {
  name: string;
  uuid: string;
  /** `virDomainState`. */
  state: number;
  persistent: boolean;
}

/** A domain's snapshots as libvirt describes them, read in one round trip. */
export interface SnapshotListing {
  /** Each snapshot's name and its XML (virDomainSnapshotGetXMLDesc), in libvirt's order. */
  snapshots: Array<{ name: string; xml: string }>;
  /** The current snapshot's name, or null when the domain has none. */
  current: string | null;
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

  connectDomainEventRegisterAny: (
    conn: Address,
    dom: Address,
    eventId: number,
    callback: Address,
    opaque: bigint,
  ) =>
    status(
      'virConnectDomainEventRegisterAny',
      invoke('virConnectDomainEventRegisterAny', conn, dom, eventId, callback, opaque, 0n),
    ),
  connectDomainEventDeregisterAny: (conn: Address, callbackId: number) =>
    status(
      'virConnectDomainEventDeregisterAny',
      invoke('virConnectDomainEventDeregisterAny', conn, callbackId),
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
  // The struct is the caller's: zeroed, filled by libvirt, copied, freed by withMemory.
  domainGetJobInfo: (dom: Address): DomainJobInfo =>
    withMemory(JOB_INFO_SIZE, (info) => {
      status('virDomainGetJobInfo', invoke('virDomainGetJobInfo', dom, info));

      return readJobInfo(info);
    }),
  // The parameter array and its strings are libvirt's, handed over to the caller: copied,
  // then freed once with virTypedParamsFree. A call that fails hands nothing over.
  domainGetJobStats: (dom: Address, flags: number): DomainJobStats =>
    withMemory(JOB_STATS_OUT_SIZE, (out) => {
      status(
        'virDomainGetJobStats',
        invoke(
          'virDomainGetJobStats',
          dom,
          out + BigInt(JOB_STATS_TYPE),
          out + BigInt(JOB_STATS_ARRAY),
          out + BigInt(JOB_STATS_COUNT),
          flags,
        ),
      );
      const header = readBytes(out, JOB_STATS_OUT_SIZE);
      const count = header.readInt32LE(JOB_STATS_COUNT);
      const array = header.readBigUInt64LE(JOB_STATS_ARRAY);
      try {
        return jobStats(header.readInt32LE(JOB_STATS_TYPE), readTypedParameters(array, count));
      } finally {
        invoke('virTypedParamsFree', array, count);
      }
    }),
  domainAbortJob: (dom: Address) => status('virDomainAbortJob', invoke('virDomainAbortJob', dom)),

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
  // Batches: several calls in one round trip to a call thread, for what the server reads
  // often. Each is still one libvirt call per item; none adds a call per snapshot beyond
  // the one XML fetch.

  /** Every domain's name, UUID, state and persistence; the handles are freed here. */
  domainInfos: (conn: Address, flags: number): DomainInfo[] => {
    const domains = calls.connectListAllDomains(conn, flags);
    try {
      return domains.map(domainInfo);
    } finally {
      for (const dom of domains) {
        invoke('virDomainFree', dom);
      }
    }
  },
  domainInfo: (dom: Address): DomainInfo => domainInfo(dom),

  /** The domain called `name`: looked up, read and freed in one round trip. */
  domainInfoByName: (conn: Address, name: string): DomainInfo => {
    const dom = calls.domainLookupByName(conn, name);
    try {
      return domainInfo(dom);
    } finally {
      invoke('virDomainFree', dom);
    }
  },

  /**
   * A domain's snapshots with their XML and the current one: one listing, one XML fetch
   * per snapshot, one current-snapshot call. A snapshot deleted between the listing and its
   * XML fetch is left out.
   */
  snapshotListing: (dom: Address, xmlFlags: number): SnapshotListing => {
    const snapshots = calls.snapshotHandleXmls(calls.domainListAllSnapshots(dom, 0), xmlFlags);

    return { snapshots, current: currentSnapshotName(dom) };
  },

  /**
   * The domain's snapshots as virDomainListAllSnapshots returns them, handles the caller now
   * owns (snapshotHandleXmls frees them, on any call thread), and the current one's name.
   */
  snapshotHandles: (dom: Address): { handles: Address[]; current: string | null } => {
    const handles = calls.domainListAllSnapshots(dom, 0);
    try {
      return { handles, current: currentSnapshotName(dom) };
    } catch (error) {
      consume(handles, () => undefined);
      throw error;
    }
  },

  /**
   * Each snapshot's name and XML, one virDomainSnapshotGetXMLDesc each; every handle is
   * freed, also when a call fails. A snapshot deleted meanwhile is left out.
   */
  snapshotHandleXmls: (handles: Address[], xmlFlags: number): SnapshotListing['snapshots'] =>
    consume(handles, (snapshot) => {
      const name = snapshotName(snapshot);
      const xml = invoke('virDomainSnapshotGetXMLDesc', snapshot, xmlFlags);
      if (xml === 0n) {
        const error = takeLastError('virDomainSnapshotGetXMLDesc');
        if (error.code === NO_DOMAIN_SNAPSHOT) {
          return undefined;
        }

        throw error;
      }

      return { name, xml: takeString(xml) };
    }).filter((snapshot) => snapshot !== undefined),

  /** Every snapshot's name and the current one's: the watcher's cheap look at a domain. */
  snapshotSummary: (dom: Address): { names: string[]; current: string | null } => ({
    names: consume(calls.domainListAllSnapshots(dom, 0), snapshotName),
    current: currentSnapshotName(dom),
  }),

  /**
   * How many snapshots the domain has and the current one's name: two round trips and no
   * call a snapshot, for a look that only needs to know whether anything may have changed.
   */
  snapshotCountAndCurrent: (dom: Address): { count: number; current: string | null } => ({
    count: calls.snapshotNum(dom, 0),
    current: currentSnapshotName(dom),
  }),

  /**
   * The XML of the snapshots called `names`, each looked up, read and freed; a snapshot
   * that no longer exists is left out.
   */
  snapshotXmls: (dom: Address, names: string[], xmlFlags: number) =>
    names.flatMap((name) => {
      const snapshot = invoke('virDomainSnapshotLookupByName', dom, name, 0);
      if (snapshot === 0n) {
        const error = takeLastError('virDomainSnapshotLookupByName');
        if (error.code === NO_DOMAIN_SNAPSHOT) {
          return [];
        }

        throw error;
      }

      return consume([snapshot], (found) => ({
        name,
        xml: calls.snapshotGetXMLDesc(found, xmlFlags),
      }));
    }),

  /** The names of the snapshots virDomainListAllSnapshots selects with `flags`. */
  snapshotNamesWhere: (dom: Address, flags: number): string[] =>
    consume(calls.domainListAllSnapshots(dom, flags), snapshotName),

  /** The names of the children virDomainSnapshotListAllChildren selects with `flags`. */
  childNamesWhere: (dom: Address, name: string, flags: number): string[] =>
    consume([calls.snapshotLookupByName(dom, name, 0)], (parent) =>
      consume(calls.snapshotListAllChildren(parent, flags), snapshotName),
    )[0] ?? [],

  /** Runs one snapshot-level call on the snapshot `name` of `dom`, looked up and freed here. */
  onSnapshot: <C extends SnapshotCall>(
    dom: Address,
    name: string,
    call: C,
    flags: number,
  ): SnapshotCallResult<C> => {
    const snapshot = calls.snapshotLookupByName(dom, name, 0);
    const run = snapshotCalls[call] as (snapshot: Address, flags: number) => SnapshotCallResult<C>;

    return consume([snapshot], (found) => run(found, flags))[0] as SnapshotCallResult<C>;
  },

  /** How many times this thread called each libvirt function. */
  callCounts: () => libvirtCallCounts(),

  // Diagnostics, for the memory soak: collect this thread's garbage (when Node runs with
  // --expose-gc) and hand free heap pages back, so that resident memory shows what is held.
  collectGarbage: () => {
    (globalThis as { gc?: () => void }).gc?.();

    return invoke('malloc_trim', 0);
  },

  snapshotRef: (snap: Address) =>
    status('virDomainSnapshotRef', invoke('virDomainSnapshotRef', snap)),
} as const;

const NO_DOMAIN_SNAPSHOT = 72;

function currentSnapshotName(dom: Address): string | null {
  const current = invoke('virDomainSnapshotCurrent', dom, 0);
  if (current === 0n) {
    const error = takeLastError('virDomainSnapshotCurrent');
    if (error.code === NO_DOMAIN_SNAPSHOT) {
      return null;
    }

    throw error;
  }

  return consume([current], snapshotName)[0] ?? null;
}

// The calls `onSnapshot` runs on a snapshot looked up by name.
const snapshotCalls = {
  revert: (snapshot: Address, flags: number) => calls.domainRevertToSnapshot(snapshot, flags),
  delete: (snapshot: Address, flags: number) => calls.snapshotDelete(snapshot, flags),
  xml: (snapshot: Address, flags: number) => calls.snapshotGetXMLDesc(snapshot, flags),
  hasMetadata: (snapshot: Address, flags: number) => calls.snapshotHasMetadata(snapshot, flags),
  isCurrent: (snapshot: Address, flags: number) => calls.snapshotIsCurrent(snapshot, flags),
  numChildren: (snapshot: Address, flags: number) => calls.snapshotNumChildren(snapshot, flags),
  childrenNames: (snapshot: Address, flags: number) =>
    calls.snapshotListChildrenNames(snapshot, flags),
  parentName: (snapshot: Address, flags: number) =>
    consume([calls.snapshotGetParent(snapshot, flags)], snapshotName)[0],
} as const;

/** A snapshot-level call `onSnapshot` runs. */
export type SnapshotCall = keyof typeof snapshotCalls;
export type SnapshotCallResult<C extends SnapshotCall> = ReturnType<(typeof snapshotCalls)[C]>;

/** The calls a call thread answers. */
export type Calls = typeof calls;
export type CallName = keyof Calls;
