import { type ApiError, ApiError as ApiErrorClass, type ErrorCodeName } from '../errors.ts';
import { ErrorNumber, LibvirtError } from '../ffi/index.ts';

interface Mapping {
  code: ErrorCodeName;
  reason?: 'INVALID_STATE' | 'DOMAIN_BUSY';
}

// API.md's table, from libvirt's virErrorNumber to the client's code.
const mappings = new Map<number, Mapping>([
  [ErrorNumber.NO_DOMAIN, { code: 'NOT_FOUND' }],
  [ErrorNumber.NO_DOMAIN_SNAPSHOT, { code: 'NOT_FOUND' }],
  [ErrorNumber.INVALID_ARG, { code: 'BAD_USER_INPUT' }],
  [ErrorNumber.XML_ERROR, { code: 'BAD_USER_INPUT' }],
  [ErrorNumber.XML_DETAIL, { code: 'BAD_USER_INPUT' }],
  [ErrorNumber.XML_INVALID_SCHEMA, { code: 'BAD_USER_INPUT' }],
  [ErrorNumber.NO_SUPPORT, { code: 'UNSUPPORTED' }],
  [ErrorNumber.CONFIG_UNSUPPORTED, { code: 'UNSUPPORTED' }],
  [ErrorNumber.ARGUMENT_UNSUPPORTED, { code: 'UNSUPPORTED' }],
  [ErrorNumber.OPERATION_UNSUPPORTED, { code: 'UNSUPPORTED' }],
  [ErrorNumber.OPERATION_INVALID, { code: 'CONFLICT', reason: 'INVALID_STATE' }],
  [ErrorNumber.OPERATION_TIMEOUT, { code: 'CONFLICT', reason: 'DOMAIN_BUSY' }],
  [ErrorNumber.SNAPSHOT_REVERT_RISKY, { code: 'REVERT_RISKY' }],
  [ErrorNumber.OPERATION_DENIED, { code: 'FORBIDDEN' }],
  [ErrorNumber.NO_CONNECT, { code: 'UNAVAILABLE' }],
  [ErrorNumber.INVALID_CONN, { code: 'UNAVAILABLE' }],
]);

// SYSTEM_ERROR and RPC mean a lost connection only when they come from talking to a daemon.
const REMOTE_ONLY = new Set<number>([ErrorNumber.SYSTEM_ERROR, ErrorNumber.RPC]);

/**
 * The client's error for a failed libvirt call, with libvirt's own code, domain and message
 * in `extensions.libvirt`. `remote` says whether the host is reached through libvirtd.
 */
export function apiErrorFromLibvirt(error: LibvirtError, remote: boolean): ApiError {
  const mapping: Mapping =
    mappings.get(error.code) ??
    (remote && REMOTE_ONLY.has(error.code) ? { code: 'UNAVAILABLE' } : { code: 'LIBVIRT_ERROR' });
  const libvirt = { code: error.code, domain: error.domain, message: error.message };
  // libvirt gives up waiting for the domain's job lock (OPERATION_TIMEOUT) while another job,
  // of this server or of any other client, still holds it.
  const message =
    mapping.reason === 'DOMAIN_BUSY'
      ? `${error.message}: libvirt is still busy with another job on this domain; retry when ` +
        'it has finished'
      : error.message;

  return new ApiErrorClass(mapping.code, message, { reason: mapping.reason, libvirt });
}

/** Runs `call`, turning a LibvirtError into the client's error; other errors pass. */
export async function translateLibvirtErrors<T>(
  remote: boolean,
  call: () => Promise<T>,
): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof LibvirtError) {
      throw apiErrorFromLibvirt(error, remote);
    }

    throw error;
  }
}
