/**
 * `virErrorNumber` values the server tells apart; the rest pass through as numbers.
 *
 * @see https://libvirt.org/html/libvirt-virterror.html#virErrorNumber
 */
export const ErrorNumber = {
  OK: 0,
  INTERNAL_ERROR: 1,
  NO_MEMORY: 2,
  NO_SUPPORT: 3,
  NO_CONNECT: 5,
  INVALID_CONN: 6,
  INVALID_ARG: 8,
  OPERATION_FAILED: 9,
  XML_ERROR: 27,
  OPERATION_DENIED: 29,
  XML_DETAIL: 35,
  SYSTEM_ERROR: 38,
  RPC: 39,
  NO_DOMAIN: 42,
  OPERATION_INVALID: 55,
  CONFIG_UNSUPPORTED: 67,
  OPERATION_TIMEOUT: 68,
  NO_DOMAIN_SNAPSHOT: 72,
  INVALID_DOMAIN_SNAPSHOT: 71,
  ARGUMENT_UNSUPPORTED: 74,
  SNAPSHOT_REVERT_RISKY: 77,
  OPERATION_ABORTED: 78,
  OPERATION_UNSUPPORTED: 84,
  XML_INVALID_SCHEMA: 92,
} as const;

/** `virErrorDomain` values the server tells apart. */
export const ErrorDomain = {
  NONE: 0,
  RPC: 7,
  QEMU: 10,
  TEST: 12,
  REMOTE: 13,
  DOMAIN_SNAPSHOT: 35,
} as const;

/** What libvirt reported about a failed call, copied out of its thread-local error. */
export interface LibvirtErrorDetails {
  /** `virErrorNumber`. */
  code: number;
  /** `virErrorDomain`: the part of libvirt that raised it. */
  domain: number;
  /** libvirt's own message. */
  message: string;
}

/**
 * A failed libvirt call: libvirt's error read on the thread that made the call, right after
 * it failed, then reset there. `func` names the C function.
 */
export class LibvirtError extends Error implements LibvirtErrorDetails {
  override readonly name = 'LibvirtError';
  readonly code: number;
  readonly domain: number;
  readonly func: string;

  constructor(func: string, details: LibvirtErrorDetails) {
    super(details.message);
    this.func = func;
    this.code = details.code;
    this.domain = details.domain;
  }

  /** The plain form that crosses from a call thread to the main thread. */
  toDetails(): LibvirtErrorDetails & { func: string } {
    return { func: this.func, code: this.code, domain: this.domain, message: this.message };
  }

  static fromDetails(details: LibvirtErrorDetails & { func: string }): LibvirtError {
    return new LibvirtError(details.func, details);
  }
}
