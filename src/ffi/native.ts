import { arrayConstructor, DataType, type FieldType, load, open } from 'ffi-rs';
import { LibvirtError } from './libvirt-error.ts';
import { type CSignature, type SymbolName, symbols } from './symbols.ts';

/**
 * The C boundary of one thread: loads libvirt and libc into ffi-rs, calls the functions of
 * `symbols.ts`, and reads, copies and frees what libvirt hands back. Each call thread and
 * the event-loop thread use their own copy of this module.
 */

type JsValue<T> = T extends DataType.BigInt
  ? bigint
  : T extends DataType.I32 | DataType.I64
    ? number
    : T extends DataType.String
      ? string
      : T extends DataType.Void
        ? undefined
        : unknown;

type JsArgs<P extends readonly DataType[]> = { -readonly [K in keyof P]: JsValue<P[K]> };

type Symbols = typeof symbols;

/** The address of memory that libvirt or libc handed over, as ffi-rs passes pointers. */
export type Address = bigint;

const POINTER_SIZE = 8;
const RTLD_LAZY = 0x1;
const RTLD_NOLOAD = 0x4;

let loaded = false;

/** Loads libvirt and libc into this thread's ffi-rs; later calls do nothing. */
export function loadLibraries(): void {
  if (loaded) {
    return;
  }

  open({ library: 'libvirt', path: 'libvirt.so.0' });
  open({ library: 'libc', path: 'libc.so.6' });
  loaded = true;
}

const callCounts = new Map<string, number>();

/** How many times this thread called each libvirt function; for tests of query cost. */
export function libvirtCallCounts(): Record<string, number> {
  return Object.fromEntries(callCounts);
}

/** Calls one C function of `symbols.ts` on this thread. */
export function invoke<N extends SymbolName>(
  name: N,
  ...args: JsArgs<Symbols[N]['params']>
): JsValue<Symbols[N]['ret']> {
  const signature: CSignature = symbols[name];
  if (signature.library === 'libvirt') {
    callCounts.set(name, (callCounts.get(name) ?? 0) + 1);
  }

  return load({
    library: signature.library,
    funcName: name,
    retType: signature.ret,
    paramsType: [...signature.params],
    paramsValue: args,
  }) as JsValue<Symbols[N]['ret']>;
}

/**
 * Copies this thread's libvirt error and resets it, so that the next failure on the thread
 * starts clean. Must run right after the failing call, on the same thread.
 */
export function takeLastError(func: string): LibvirtError {
  const code = invoke('virGetLastErrorCode');
  const domain = invoke('virGetLastErrorDomain');
  // virGetLastErrorMessage returns libvirt's own string (or "no error"): read, never freed.
  const message = readString(invoke('virGetLastErrorMessage'));
  invoke('virResetLastError');

  return new LibvirtError(func, { code, domain, message });
}

// memmove with a length of 0 returns its destination unchanged. Declared with the return
// type wanted, it makes ffi-rs copy what lies at an address that arrived as a number, with
// no pointer object for the garbage collector to finalize.
function copyFrom(address: Address, retType: FieldType): unknown {
  return load({
    library: 'libc',
    funcName: 'memmove',
    retType,
    paramsType: [DataType.BigInt, DataType.BigInt, DataType.I64],
    paramsValue: [address, address, 0],
  });
}

/** Copies `bytes` bytes at `address`. */
export function readBytes(address: Address, bytes: number): Buffer {
  return copyFrom(address, arrayConstructor({ type: DataType.U8Array, length: bytes })) as Buffer;
}

/** Copies the NUL-terminated UTF-8 string at `address` into a JS string. */
export function readString(address: Address): string {
  return copyFrom(address, DataType.String) as string;
}

/** Copies a string libvirt handed over to the caller, then frees libvirt's copy. */
export function takeString(address: Address): string {
  try {
    return readString(address);
  } finally {
    invoke('free', address);
  }
}

/** Reads the `index`th pointer of the array at `address`. */
export function readPointer(address: Address, index = 0): Address {
  return readBytes(address, (index + 1) * POINTER_SIZE).readBigUInt64LE(index * POINTER_SIZE);
}

/** Reads `count` pointers of the array at `address`. */
export function readPointers(address: Address, count: number): Address[] {
  if (count === 0) {
    return [];
  }

  const buffer = readBytes(address, count * POINTER_SIZE);

  return Array.from({ length: count }, (_, index) => buffer.readBigUInt64LE(index * POINTER_SIZE));
}

/** Zeroed memory from calloc that the caller frees with {@link release}; throws when none. */
export function allocate(bytes: number): Address {
  const address = invoke('calloc', 1, bytes);
  if (address === 0n) {
    throw new Error(`calloc of ${bytes} bytes failed`);
  }

  return address;
}

/** Frees memory from {@link allocate} or memory libvirt handed over to the caller. */
export function release(address: Address): void {
  invoke('free', address);
}

/** Runs `use` with a zeroed block of `bytes` bytes that is freed afterwards. */
export function withMemory<T>(bytes: number, use: (address: Address) => T): T {
  const address = allocate(bytes);
  try {
    return use(address);
  } finally {
    release(address);
  }
}

/** The address of one of libvirt's own exported functions. */
export function libvirtFunctionAddress(name: string): Address {
  const handle = invoke('dlopen', 'libvirt.so.0', RTLD_LAZY | RTLD_NOLOAD);
  if (handle === 0n) {
    throw new Error('libvirt.so.0 is not loaded');
  }

  const address = invoke('dlsym', handle, name);
  if (address === 0n) {
    throw new Error(`libvirt.so.0 exports no ${name}`);
  }

  return address;
}

/**
 * Stops libvirt from printing errors to stderr: the binding reads every error itself.
 * libvirt falls back to its stderr printer when no handler is set, so a handler is needed;
 * virFreeError is one that does nothing when, as here, the handler's user data is NULL
 * (libvirt calls handler(userData, error), and virFreeError(NULL) returns at once).
 */
export function silenceErrorPrinter(): void {
  invoke('virSetErrorFunc', 0n, libvirtFunctionAddress('virFreeError'));
}
