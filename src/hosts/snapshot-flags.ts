import { badInput } from '../errors.ts';
import {
  SnapshotCreateFlags,
  SnapshotDeleteFlags,
  SnapshotListFlags,
  SnapshotRevertFlags,
} from '../ffi/index.ts';
import type { SnapshotKindName, SnapshotLocationName, SnapshotModeName } from './snapshot-xml.ts';

/** API.md's SnapshotFilter: each field one group of virDomainSnapshotListFlags. */
export interface SnapshotFilter {
  roots?: boolean | null;
  leaves?: boolean | null;
  hasMetadata?: boolean | null;
  kinds?: readonly SnapshotKindName[] | null;
  location?: SnapshotLocationName | null;
}

/** Where a filter is applied: libvirt gives ROOTS and DESCENDANTS the same bit. */
export type FilterScope = 'domain' | 'children';

const kindFlags: Record<SnapshotKindName, number> = {
  INACTIVE: SnapshotListFlags.INACTIVE,
  ACTIVE: SnapshotListFlags.ACTIVE,
  DISK_ONLY: SnapshotListFlags.DISK_ONLY,
};

/**
 * The list flags for `filter`, without the roots group (`roots: true` is LIST_ROOTS, and
 * `roots: false` has no flag of its own: the host subtracts the roots).
 */
export function listFlags(filter: SnapshotFilter | null | undefined, scope: FilterScope): number {
  if (filter === null || filter === undefined) {
    return 0;
  }

  if (scope === 'children' && filter.roots !== null && filter.roots !== undefined) {
    throw badInput(
      'filter.roots applies to a domain’s snapshots only: on children and descendants libvirt ' +
        'gives LIST_ROOTS the bit of LIST_DESCENDANTS',
    );
  }

  let flags = 0;
  if (filter.leaves === true) {
    flags |= SnapshotListFlags.LEAVES;
  } else if (filter.leaves === false) {
    flags |= SnapshotListFlags.NO_LEAVES;
  }

  if (filter.hasMetadata === true) {
    flags |= SnapshotListFlags.METADATA;
  } else if (filter.hasMetadata === false) {
    flags |= SnapshotListFlags.NO_METADATA;
  }

  for (const kind of filter.kinds ?? []) {
    flags |= kindFlags[kind];
  }

  if (filter.location === 'INTERNAL') {
    flags |= SnapshotListFlags.INTERNAL;
  } else if (filter.location === 'EXTERNAL') {
    flags |= SnapshotListFlags.EXTERNAL;
  }

  return flags;
}

/** Whether `filter` selects anything beyond "every snapshot". */
export function isFiltering(filter: SnapshotFilter | null | undefined): boolean {
  if (filter === null || filter === undefined) {
    return false;
  }

  return (
    (filter.roots ?? null) !== null ||
    (filter.leaves ?? null) !== null ||
    (filter.hasMetadata ?? null) !== null ||
    (filter.kinds ?? null) !== null ||
    (filter.location ?? null) !== null
  );
}

/** createSnapshot's flag fields (API.md, CreateSnapshotInput). */
export interface CreateOptions {
  noMetadata?: boolean | null;
  halt?: boolean | null;
  diskOnly?: boolean | null;
  reuseExternal?: boolean | null;
  quiesce?: boolean | null;
  atomic?: boolean | null;
  live?: boolean | null;
  validate?: boolean | null;
}

const createFlagOf: Record<keyof CreateOptions, number> = {
  noMetadata: SnapshotCreateFlags.NO_METADATA,
  halt: SnapshotCreateFlags.HALT,
  diskOnly: SnapshotCreateFlags.DISK_ONLY,
  reuseExternal: SnapshotCreateFlags.REUSE_EXT,
  quiesce: SnapshotCreateFlags.QUIESCE,
  atomic: SnapshotCreateFlags.ATOMIC,
  live: SnapshotCreateFlags.LIVE,
  validate: SnapshotCreateFlags.VALIDATE,
};

/** virDomainSnapshotCreateFlags for createSnapshot. */
export function createFlags(options: CreateOptions): number {
  let flags = 0;
  for (const [field, flag] of Object.entries(createFlagOf)) {
    if (options[field as keyof CreateOptions] === true) {
      flags |= flag;
    }
  }

  return flags;
}

/**
 * Refuses createSnapshot flags that contradict the snapshot asked for, whose memory is saved
 * as `memory`, before libvirt: LIVE needs the memory saved to an external file (libvirt's
 * rule, which the QEMU driver reports as an unsupported operation and the test driver does
 * not enforce).
 */
export function checkCreateFlags(options: CreateOptions, memory: SnapshotModeName): void {
  if (options.live === true && memory !== 'EXTERNAL') {
    throw badInput(
      `live needs the memory saved to an external file (memory: { mode: EXTERNAL, file }), ` +
        `and the memory is ${memory}: libvirt takes a live snapshot only with external memory`,
    );
  }
}

/** virDomainSnapshotCreateFlags for redefineSnapshot: REDEFINE, with CURRENT and VALIDATE. */
export function redefineFlags(options: { current?: boolean | null; validate?: boolean | null }) {
  let flags = SnapshotCreateFlags.REDEFINE;
  if (options.current === true) {
    flags |= SnapshotCreateFlags.CURRENT;
  }

  if (options.validate === true) {
    flags |= SnapshotCreateFlags.VALIDATE;
  }

  return flags;
}

/** revertToSnapshot's options (API.md, RevertToSnapshotInput). */
export interface RevertOptions {
  targetState?: 'RUNNING' | 'PAUSED' | null;
  force?: boolean | null;
  resetNvram?: boolean | null;
}

/** virDomainSnapshotRevertFlags for revertToSnapshot. */
export function revertFlags(options: RevertOptions): number {
  let flags = 0;
  if (options.targetState === 'RUNNING') {
    flags |= SnapshotRevertFlags.RUNNING;
  } else if (options.targetState === 'PAUSED') {
    flags |= SnapshotRevertFlags.PAUSED;
  }

  if (options.force === true) {
    flags |= SnapshotRevertFlags.FORCE;
  }

  if (options.resetNvram === true) {
    flags |= SnapshotRevertFlags.RESET_NVRAM;
  }

  return flags;
}

/** What deleteSnapshot removes (API.md, DeleteScope). */
export type DeleteScopeName = 'SNAPSHOT' | 'SNAPSHOT_AND_DESCENDANTS' | 'DESCENDANTS_ONLY';

/** virDomainSnapshotDeleteFlags for deleteSnapshot. */
export function deleteFlags(scope: DeleteScopeName, metadataOnly: boolean): number {
  const scopeFlag = {
    SNAPSHOT: 0,
    SNAPSHOT_AND_DESCENDANTS: SnapshotDeleteFlags.CHILDREN,
    DESCENDANTS_ONLY: SnapshotDeleteFlags.CHILDREN_ONLY,
  }[scope];

  return scopeFlag | (metadataOnly ? SnapshotDeleteFlags.METADATA_ONLY : 0);
}

/** The flags a single-snapshot delete uses, for a delete made one snapshot at a time. */
export function singleDeleteFlags(metadataOnly: boolean): number {
  return metadataOnly ? SnapshotDeleteFlags.METADATA_ONLY : 0;
}
