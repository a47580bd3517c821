import {
  type DomainJobOperationName,
  type DomainJobTypeName,
  domainJobOperationName,
  domainJobTypeName,
} from './flags.ts';
import { type Address, readBytes } from './native.ts';
import type { TypedValue } from './typed-parameters.ts';

/**
 * A domain's job as libvirt reports it: what virDomainGetJobInfo fills in and what
 * virDomainGetJobStats hands back, decoded on the call thread into plain values.
 *
 * @see https://libvirt.org/html/libvirt-libvirt-domain.html#virDomainJobInfo
 */

/** The job a domain is running, from virDomainGetJobInfo. Sizes are in bytes. */
export interface DomainJobInfo {
  /** `NONE` when the domain runs no job; the other fields are then 0. */
  type: DomainJobTypeName;
  timeElapsedMs: number;
  /** Only for a `BOUNDED` job; 0 otherwise. */
  timeRemainingMs: number;
  /** The whole job. An `UNBOUNDED` job may process more than this (pages dirtied again). */
  dataTotal: number;
  dataProcessed: number;
  dataRemaining: number;
  /** The guest's memory alone. */
  memTotal: number;
  memProcessed: number;
  memRemaining: number;
  /** The guest's disk files alone. */
  fileTotal: number;
  fileProcessed: number;
  fileRemaining: number;
}

/** The job a domain is running, or just ran, from virDomainGetJobStats. */
export interface DomainJobStats {
  type: DomainJobTypeName;
  /** What started the job (libvirt's `operation` field); null when libvirt does not say. */
  operation: DomainJobOperationName | null;
  /**
   * Every statistic libvirt reported, by its field name (`time_elapsed`, `data_total`,
   * `memory_processed`, `disk_total`, ...: the `VIR_DOMAIN_JOB_*` macros of
   * libvirt-domain.h).
   */
  fields: Record<string, TypedValue>;
}

// struct _virDomainJobInfo: an int, 4 bytes of padding, then eleven unsigned long longs
// (checked with offsetof against libvirt-domain.h of libvirt 9.0 on x86_64).
export const JOB_INFO_SIZE = 96;
const JOB_INFO_FIELDS = [
  'timeElapsedMs',
  'timeRemainingMs',
  'dataTotal',
  'dataProcessed',
  'dataRemaining',
  'memTotal',
  'memProcessed',
  'memRemaining',
  'fileTotal',
  'fileProcessed',
  'fileRemaining',
] as const;
const FIRST_COUNTER_OFFSET = 8;
const COUNTER_SIZE = 8;

/** Copies the `virDomainJobInfo` at `address`. */
export function readJobInfo(address: Address): DomainJobInfo {
  const struct = readBytes(address, JOB_INFO_SIZE);
  const counters = JOB_INFO_FIELDS.map(
    (field, index) =>
      [field, Number(struct.readBigUInt64LE(FIRST_COUNTER_OFFSET + index * COUNTER_SIZE))] as const,
  );

  return {
    type: domainJobTypeName(struct.readInt32LE(0)),
    ...(Object.fromEntries(counters) as Record<(typeof JOB_INFO_FIELDS)[number], number>),
  };
}

/** The statistics of a job of `type`, with its operation picked out of `fields`. */
export function jobStats(type: number, fields: Record<string, TypedValue>): DomainJobStats {
  const operation = fields.operation;

  return {
    type: domainJobTypeName(type),
    operation: typeof operation === 'number' ? domainJobOperationName(operation) : null,
    fields,
  };
}
