import { GraphQLError } from 'graphql';

/** The `extensions.code` values clients can rely on (see API.md, Errors). */
export const ErrorCode = {
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  NOT_FOUND: 'NOT_FOUND',
  CONFLICT: 'CONFLICT',
  UNSUPPORTED: 'UNSUPPORTED',
  REVERT_RISKY: 'REVERT_RISKY',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  UNAVAILABLE: 'UNAVAILABLE',
  LIMIT_EXCEEDED: 'LIMIT_EXCEEDED',
  LIBVIRT_ERROR: 'LIBVIRT_ERROR',
} as const;

export type ErrorCodeName = keyof typeof ErrorCode;

/** Why a `CONFLICT` happened: `extensions.reason`. */
export const ConflictReason = {
  DOMAIN_BUSY: 'DOMAIN_BUSY',
  TREE_CHANGED: 'TREE_CHANGED',
  NAME_TAKEN: 'NAME_TAKEN',
  INVALID_STATE: 'INVALID_STATE',
} as const;

export type ConflictReasonName = keyof typeof ConflictReason;

/** libvirt's own description of an error, as `extensions.libvirt` carries it. */
export interface LibvirtErrorExtension {
  code: number;
  domain: number;
  message: string;
}

/** What an {@link ApiError} adds to `extensions` beside its code. */
export interface ApiErrorDetails {
  reason?: ConflictReasonName;
  libvirt?: LibvirtErrorExtension;
  /** Set on the error of a dry run: the error the real call would have met. */
  dryRun?: boolean;
  /** With TREE_CHANGED: the tree's version now. */
  currentTreeVersion?: string;
  /** With TREE_CHANGED: what changed since the expected version, when the server knows it. */
  changes?: Array<{ change: string; snapshotName: string | null }>;
}

/** An error the client is meant to read: a stable code, a message that says what to fix. */
export class ApiError extends GraphQLError {
  readonly code: ErrorCodeName;

  constructor(code: ErrorCodeName, message: string, details: ApiErrorDetails = {}) {
    super(message, { extensions: { code, ...details } });
    this.code = code;
  }
}

/** Bad input: a malformed ID, XML, flag combination or argument. */
export function badInput(message: string): ApiError {
  return new ApiError('BAD_USER_INPUT', message);
}

/** No such host, domain or snapshot. */
export function notFound(message: string): ApiError {
  return new ApiError('NOT_FOUND', message);
}

/** A `CONFLICT` with its reason. */
export function conflict(
  reason: ConflictReasonName,
  message: string,
  details: Omit<ApiErrorDetails, 'reason'> = {},
): ApiError {
  return new ApiError('CONFLICT', message, { reason, ...details });
}
