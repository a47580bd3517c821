import { ApiError } from '../errors.ts';
import type { DomainStateName } from '../ffi/index.ts';
import type { DeleteScopeName, RevertOptions } from './snapshot-flags.ts';
import type { SnapshotTree } from './snapshot-tree.ts';
import type { SnapshotDocument } from './snapshot-xml.ts';

/*
 * What a revert or a delete would do, told without doing it (API.md, Safety: dry runs). The
 * rules are libvirt 9.0's, each tried on this machine's QEMU driver and test driver; a rule
 * this module does not know of (a block job in the way, an ABI change that needs `force`)
 * shows only when the real call meets it.
 */

/** What the planner needs to know of the domain besides its tree. */
export interface PlannedDomain {
  /** The driver's name, as virConnectGetType gives it: `QEMU`, `TEST`. */
  hypervisor: string;
  state: DomainStateName;
  persistent: boolean;
}

/** What a delete would remove and move. */
export interface DeletePlan {
  /** The snapshots it removes, each parent before its children. */
  deletedNames: string[];
  /** Children of a deleted snapshot that move up to its parent. */
  reparentedNames: string[];
}

/** virDomainSnapshotIsExternal: memory or any disk saved outside the disk image. */
export function isExternal(document: SnapshotDocument): boolean {
  return (
    document.memory.mode === 'EXTERNAL' || document.disks.some((disk) => disk.mode === 'EXTERNAL')
  );
}

const INACTIVE_DOMAIN_STATES: readonly DomainStateName[] = ['SHUTOFF', 'NOSTATE', 'CRASHED'];

/** The domain's state after a revert to `target` with `options`. */
export function stateAfterRevert(
  target: SnapshotDocument,
  options: RevertOptions,
): DomainStateName {
  if (options.targetState === 'RUNNING' || options.targetState === 'PAUSED') {
    return options.targetState;
  }

  if (target.state === 'RUNNING' || target.state === 'PAUSED') {
    return target.state;
  }

  return 'SHUTOFF';
}

/**
 * The error libvirt would raise for a revert to `target`, or null when it would go ahead:
 * an external snapshot (QEMU cannot revert to one), an inactive snapshot of a transient domain
 * without a target state, and a snapshot without the domain's definition unless forced.
 * libvirt 9.0 asks for force for nothing else: a running domain reverted to a snapshot of
 * other hardware (memory, vCPUs) gets a new QEMU process, on QEMU as on the test driver.
 */
export function revertRefusal(
  domain: PlannedDomain,
  target: SnapshotDocument,
  options: RevertOptions,
): ApiError | null {
  const wantsState = options.targetState === 'RUNNING' || options.targetState === 'PAUSED';
  const activeSnapshot = target.state === 'RUNNING' || target.state === 'PAUSED';
  if (!domain.persistent && !activeSnapshot && !wantsState) {
    return new ApiError(
      'UNSUPPORTED',
      'a transient domain cannot revert to an inactive snapshot, as it would not exist ' +
        'afterwards: ask for targetState RUNNING or PAUSED',
    );
  }

  if (domain.hypervisor !== 'TEST' && isExternal(target)) {
    return new ApiError(
      'UNSUPPORTED',
      `libvirt ${domain.hypervisor} cannot revert to the external snapshot ` +
        `${JSON.stringify(target.name)}`,
    );
  }

  if (!target.hasDomainDefinition && options.force !== true) {
    return new ApiError(
      'REVERT_RISKY',
      `the snapshot ${JSON.stringify(target.name)} lacks the domain's definition to roll ` +
        'back to; libvirt reverts to it only with force',
    );
  }

  return null;
}

/** The snapshots a delete of `name` with `scope` removes, each parent before its children. */
export function deletedBy(tree: SnapshotTree, name: string, scope: DeleteScopeName): string[] {
  const descendants = tree.descendants(name).map((document) => document.name);
  switch (scope) {
    case 'SNAPSHOT':
      return [name];
    case 'SNAPSHOT_AND_DESCENDANTS':
      return [name, ...descendants];
    case 'DESCENDANTS_ONLY':
      return descendants;
    default:
      return assertNever(scope);
  }
}

/** What a delete of `name` with `scope` removes and re-parents, if libvirt lets it. */
export function deletePlan(tree: SnapshotTree, name: string, scope: DeleteScopeName): DeletePlan {
  return {
    deletedNames: deletedBy(tree, name, scope),
    reparentedNames: scope === 'SNAPSHOT' ? tree.children(name).map((child) => child.name) : [],
  };
}

/**
 * The error libvirt would raise for deleting `name` with `scope`, or null when it would go
 * ahead. Only external snapshots are refused, and only when their data is deleted too (not
 * with metadataOnly): descendants that are external, an external snapshot whose parent is
 * internal or that has several children, and (libvirt 9.0, a shut-off domain) an external
 * snapshot with a child, whose base it cannot find in the disk's chain.
 */
export function deleteRefusal(
  domain: PlannedDomain,
  tree: SnapshotTree,
  name: string,
  scope: DeleteScopeName,
  metadataOnly: boolean,
): ApiError | null {
  const target = tree.get(name);
  if (domain.hypervisor === 'TEST' || metadataOnly || target === undefined) {
    return null;
  }

  const quoted = JSON.stringify(name);
  const descendants = tree.descendants(name);
  if (scope !== 'SNAPSHOT' && descendants.some(isExternal)) {
    return new ApiError(
      'UNSUPPORTED',
      `libvirt cannot delete the external snapshots among the descendants of ${quoted} with ` +
        'it; delete them one at a time, the newest first, or only their metadata',
    );
  }

  if (scope === 'DESCENDANTS_ONLY' || !isExternal(target)) {
    return null;
  }

  const children = tree.children(name);
  if (children.length > 0 && INACTIVE_DOMAIN_STATES.includes(domain.state)) {
    return new ApiError(
      'BAD_USER_INPUT',
      `libvirt cannot merge the external snapshot ${quoted} into its child while the domain ` +
        'is shut off (it finds no base disk in the chain); start the domain first',
    );
  }

  const parent = tree.parentOf(name);
  const parentDocument = parent === null ? undefined : tree.get(parent);
  if (parentDocument !== undefined && !isExternal(parentDocument)) {
    return new ApiError(
      'UNSUPPORTED',
      `libvirt cannot delete the external snapshot ${quoted}, whose parent ` +
        `${JSON.stringify(parent)} is internal: the chain mixes internal and external snapshots`,
    );
  }

  if (children.length > 1) {
    return new ApiError(
      'UNSUPPORTED',
      `libvirt cannot delete the external snapshot ${quoted}, which has ${children.length} ` +
        'children',
    );
  }

  return null;
}

/** The same error, marked as the one a dry run predicts (`extensions.dryRun`). */
export function asDryRun(error: unknown): unknown {
  if (!(error instanceof ApiError)) {
    return error;
  }

  const marked = new ApiError(error.code, error.message, {
    ...(error.extensions as object),
    dryRun: true,
  });

  return marked;
}

function assertNever(value: never): never {
  throw new Error(`unexpected value ${String(value)}`);
}
