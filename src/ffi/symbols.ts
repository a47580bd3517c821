import { DataType } from 'ffi-rs';

/**
 * The C functions the binding calls, with their signatures as ffi-rs reads them. Pointers
 * to libvirt objects travel as 64-bit integers (`bigint`), which also lets them cross into
 * the call threads; `External` is used where the binding must read or free memory that
 * libvirt hands back.
 */

const pointer = DataType.BigInt;
// Memory libvirt or libc hands over travels as its address too; native.ts reads it.
const memory = DataType.BigInt;
const int = DataType.I32;
const text = DataType.String;
const size = DataType.I64;
const none = DataType.Void;

/** One C function: its return type and its parameters' types, in order. */
export interface CSignature {
  readonly library: CLibrary;
  readonly ret: DataType;
  readonly params: readonly DataType[];
}

export type CLibrary = 'libvirt' | 'libc';

function libvirt<R extends DataType, P extends DataType[]>(ret: R, ...params: P) {
  return { library: 'libvirt', ret, params } as const;
}

function libc<R extends DataType, P extends DataType[]>(ret: R, ...params: P) {
  return { library: 'libc', ret, params } as const;
}

/** libvirt's snapshot module, all of it. */
export const snapshotSymbols = {
  virDomainHasCurrentSnapshot: libvirt(int, pointer, int),
  virDomainListAllSnapshots: libvirt(int, pointer, memory, int),
  virDomainRevertToSnapshot: libvirt(int, pointer, int),
  virDomainSnapshotCreateXML: libvirt(pointer, pointer, text, int),
  virDomainSnapshotCurrent: libvirt(pointer, pointer, int),
  virDomainSnapshotDelete: libvirt(int, pointer, int),
  virDomainSnapshotFree: libvirt(int, pointer),
  virDomainSnapshotGetConnect: libvirt(pointer, pointer),
  virDomainSnapshotGetDomain: libvirt(pointer, pointer),
  virDomainSnapshotGetName: libvirt(memory, pointer),
  virDomainSnapshotGetParent: libvirt(pointer, pointer, int),
  virDomainSnapshotGetXMLDesc: libvirt(memory, pointer, int),
  virDomainSnapshotHasMetadata: libvirt(int, pointer, int),
  virDomainSnapshotIsCurrent: libvirt(int, pointer, int),
  virDomainSnapshotListAllChildren: libvirt(int, pointer, memory, int),
  virDomainSnapshotListChildrenNames: libvirt(int, pointer, memory, int, int),
  virDomainSnapshotListNames: libvirt(int, pointer, memory, int, int),
  virDomainSnapshotLookupByName: libvirt(pointer, pointer, text, int),
  virDomainSnapshotNum: libvirt(int, pointer, int),
  virDomainSnapshotNumChildren: libvirt(int, pointer, int),
  virDomainSnapshotRef: libvirt(int, pointer),
} as const satisfies Record<string, CSignature>;

/**
 * Functions of libvirt's snapshot module the binding deliberately does not bind, each with
 * the reason. Empty: every one is bound. A test compares both lists with libvirt-api.xml.
 */
export const unboundSnapshotFunctions: Readonly<Record<string, string>> = {};

/** The connection calls the server needs. */
export const connectSymbols = {
  virConnectOpen: libvirt(pointer, text),
  virConnectOpenReadOnly: libvirt(pointer, text),
  virConnectClose: libvirt(int, pointer),
  virConnectRef: libvirt(int, pointer),
  virConnectListAllDomains: libvirt(int, pointer, memory, int),
  virConnectGetLibVersion: libvirt(int, pointer, memory),
  virConnectGetVersion: libvirt(int, pointer, memory),
  virConnectGetType: libvirt(memory, pointer),
  virConnectGetHostname: libvirt(memory, pointer),
  virConnectGetURI: libvirt(memory, pointer),
  virConnectIsAlive: libvirt(int, pointer),
  virConnectSetKeepAlive: libvirt(int, pointer, int, int),
  virConnectRegisterCloseCallback: libvirt(int, pointer, pointer, pointer, pointer),
  virConnectUnregisterCloseCallback: libvirt(int, pointer, pointer),
  virConnectDomainEventRegisterAny: libvirt(int, pointer, pointer, int, pointer, pointer, pointer),
  virConnectDomainEventDeregisterAny: libvirt(int, pointer, int),
} as const satisfies Record<string, CSignature>;

/** The domain calls the server and its tests need. */
export const domainSymbols = {
  virDomainLookupByName: libvirt(pointer, pointer, text),
  virDomainLookupByUUIDString: libvirt(pointer, pointer, text),
  virDomainDefineXML: libvirt(pointer, pointer, text),
  virDomainUndefineFlags: libvirt(int, pointer, int),
  virDomainCreate: libvirt(int, pointer),
  virDomainDestroy: libvirt(int, pointer),
  virDomainFree: libvirt(int, pointer),
  virDomainRef: libvirt(int, pointer),
  virDomainGetName: libvirt(memory, pointer),
  virDomainGetUUIDString: libvirt(int, pointer, memory),
  virDomainGetState: libvirt(int, pointer, memory, memory, int),
  virDomainGetXMLDesc: libvirt(memory, pointer, int),
  virDomainIsActive: libvirt(int, pointer),
  virDomainIsPersistent: libvirt(int, pointer),
  virDomainGetJobInfo: libvirt(int, pointer, memory),
  virDomainGetJobStats: libvirt(int, pointer, memory, memory, memory, int),
  virDomainAbortJob: libvirt(int, pointer),
} as const satisfies Record<string, CSignature>;

/** libvirt's own error, memory, event-loop and start-up calls. */
export const runtimeSymbols = {
  virInitialize: libvirt(int),
  virGetLastErrorCode: libvirt(int),
  virGetLastErrorDomain: libvirt(int),
  virGetLastErrorMessage: libvirt(memory),
  virResetLastError: libvirt(none),
  virSetErrorFunc: libvirt(none, pointer, pointer),
  virTypedParamsFree: libvirt(none, memory, int),
  virEventRegisterDefaultImpl: libvirt(int),
  virEventRunDefaultImpl: libvirt(int),
  virEventAddTimeout: libvirt(int, int, pointer, pointer, pointer),
  virEventRemoveTimeout: libvirt(int, int),
} as const satisfies Record<string, CSignature>;

/** The C library, for memory libvirt hands over and for libvirt's own function addresses. */
export const libcSymbols = {
  malloc: libc(memory, size),
  calloc: libc(memory, size, size),
  free: libc(none, memory),
  dlopen: libc(pointer, text, int),
  dlsym: libc(pointer, pointer, text),
  malloc_trim: libc(int, size),
} as const satisfies Record<string, CSignature>;

export const symbols = {
  ...snapshotSymbols,
  ...connectSymbols,
  ...domainSymbols,
  ...runtimeSymbols,
  ...libcSymbols,
} as const;

export type SymbolName = keyof typeof symbols;
