import { createHash } from 'node:crypto';
import type { SnapshotTree } from './snapshot-tree.ts';
import type { SnapshotDocument } from './snapshot-xml.ts';

// The digest's layout; a new layout gets a new prefix, so versions of two layouts never match.
const LAYOUT = 'v1';

const versions = new WeakMap<SnapshotTree, string>();

// What the version says of one snapshot: its name and parent, and what a redefinition can
// change (description, state, creation time, memory, disks, whether it carries a domain).
function fingerprint(document: SnapshotDocument, parent: string | null): unknown[] {
  return [
    document.name,
    parent,
    document.description,
    document.state,
    document.creationTime.getTime(),
    document.memory.mode,
    document.memory.file,
    document.disks.map((disk) => [disk.name, disk.mode, disk.driverType, disk.sourceFile]),
    document.hasDomainDefinition,
  ];
}

const prints = new WeakMap<SnapshotDocument, string>();

/**
 * A short digest of what a redefinition can change in one snapshot (not its parent): the same
 * in every process for the same XML, so that replicas can tell which version each one knows.
 */
export function snapshotPrint(document: SnapshotDocument): string {
  let print = prints.get(document);
  if (print === undefined) {
    const text = JSON.stringify(fingerprint(document, null));
    print = createHash('sha256').update(text).digest('base64url').slice(0, 16);
    prints.set(document, print);
  }

  return print;
}

/**
 * The tree's version (API.md, Safety): a digest of every snapshot's name, parent and
 * redefinable fields, and of the current snapshot. Snapshots are taken in code-point order of
 * their names, so the same tree has the same version in any process, after any restart.
 */
export function treeVersion(tree: SnapshotTree): string {
  const known = versions.get(tree);
  if (known !== undefined) {
    return known;
  }

  const names = tree.names().sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const hash = createHash('sha256');
  hash.update(JSON.stringify(tree.current));
  for (const name of names) {
    const document = tree.get(name) as SnapshotDocument;
    hash.update('\n');
    hash.update(JSON.stringify(fingerprint(document, tree.parentOf(name))));
  }

  const version = `${LAYOUT}-${hash.digest('base64url').slice(0, 32)}`;
  versions.set(tree, version);

  return version;
}

/** One way a tree moved on from a version a client held. */
export interface TreeChange {
  change: 'CREATED' | 'DELETED' | 'REPARENTED' | 'REDEFINED' | 'CURRENT';
  snapshotName: string | null;
}

/**
 * What changed from `before` to `after`, for a TREE_CHANGED error: snapshots created and
 * deleted, moved to another parent, redefined in place, and a new current snapshot.
 */
export function treeChanges(before: SnapshotTree, after: SnapshotTree): TreeChange[] {
  const changes: TreeChange[] = [];
  for (const name of after.names()) {
    if (!before.has(name)) {
      changes.push({ change: 'CREATED', snapshotName: name });
    } else if (before.parentOf(name) !== after.parentOf(name)) {
      changes.push({ change: 'REPARENTED', snapshotName: name });
    } else {
      const was = JSON.stringify(fingerprint(before.get(name) as SnapshotDocument, null));
      const now = JSON.stringify(fingerprint(after.get(name) as SnapshotDocument, null));
      if (was !== now) {
        changes.push({ change: 'REDEFINED', snapshotName: name });
      }
    }
  }

  for (const name of before.names()) {
    if (!after.has(name)) {
      changes.push({ change: 'DELETED', snapshotName: name });
    }
  }

  if (before.current !== after.current) {
    changes.push({ change: 'CURRENT', snapshotName: after.current });
  }

  return changes;
}

/** The changes in words: `created b; deleted a; current is now b`. */
export function describeTreeChanges(changes: readonly TreeChange[]): string {
  const words = {
    CREATED: 'created',
    DELETED: 'deleted',
    REPARENTED: 'moved to another parent',
    REDEFINED: 'redefined',
  } as const;

  return changes
    .map(({ change, snapshotName }) => {
      const name = JSON.stringify(snapshotName);
      if (change === 'CURRENT') {
        return snapshotName === null ? 'no snapshot is current now' : `${name} is current now`;
      }

      return `${name} ${words[change]}`;
    })
    .join('; ');
}
