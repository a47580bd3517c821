import { conflict, notFound } from '../errors.ts';
import { type ChangeCause, diffTrees, publishSnapshotChanges } from '../events/index.ts';
import type { DomainRecord, Host } from './host.ts';
import {
  type DeleteScopeName,
  deleteFlags,
  type RevertOptions,
  redefineFlags,
  revertFlags,
  singleDeleteFlags,
} from './snapshot-flags.ts';
import { documentSnapshotName } from './snapshot-name.ts';
import type { SnapshotTree } from './snapshot-tree.ts';

/** What a create or redefine leaves behind. */
export interface CreateResult {
  /** The snapshot's name; libvirt's own choice when the document named none. */
  name: string;
  domain: DomainRecord;
}

/** What a delete removed and moved. */
export interface DeleteResult {
  deletedNames: string[];
  /** Children of a deleted snapshot that moved up to its parent. */
  reparentedNames: string[];
  domain: DomainRecord;
}

// Runs `change` and tells subscribers what it did: first, as EXTERNAL, whatever changed
// since the server last looked (so nothing is missed), then, as API, what `change` did.
// Runs inside the domain's lock, so the watcher, which skips a busy domain, adds nothing.
async function observed<T>(
  host: Host,
  uuid: string,
  cause: (before: SnapshotTree) => ChangeCause,
  change: (before: SnapshotTree) => Promise<T>,
): Promise<{ value: T; before: SnapshotTree; after: SnapshotTree }> {
  const domain = await domainOf(host, uuid);
  const changed = { hostName: host.name, uuid, name: domain.name };
  const before = await host.snapshotTree(uuid);
  const known = host.knownTree(uuid);
  if (known !== undefined) {
    publishSnapshotChanges(
      host.events,
      changed,
      diffTrees(known, before, { kind: 'external' }),
      'EXTERNAL',
    );
  }

  host.remember(uuid, before);
  let value: T;
  try {
    value = await change(before);
  } finally {
    // Also after a failure: a delete made one snapshot at a time may have got part way.
    const after = await host.snapshotTree(uuid);
    publishSnapshotChanges(host.events, changed, diffTrees(before, after, cause(before)), 'API');
    host.remember(uuid, after);
  }

  return { value, before, after: host.knownTree(uuid) as SnapshotTree };
}

async function domainOf(host: Host, uuid: string): Promise<DomainRecord> {
  const domain = await host.domainByUuid(uuid);
  if (domain === null) {
    throw notFound(`no domain with UUID ${uuid} on host ${host.name}`);
  }

  return domain;
}

/**
 * Creates a snapshot from a `<domainsnapshot>` document with `flags`. A name already taken
 * is refused before libvirt is called: libvirt reports it as a plain OPERATION_FAILED.
 */
export function createSnapshot(
  host: Host,
  uuid: string,
  xml: string,
  name: string | null,
  flags: number,
): Promise<CreateResult> {
  return host.withDomainLock(uuid, async () => {
    const { value: created } = await observed(
      host,
      uuid,
      () => ({ kind: 'create' }),
      async (tree) => {
        if (name !== null && tree.has(name)) {
          throw conflict(
            'NAME_TAKEN',
            `the domain already has a snapshot called ${JSON.stringify(name)}`,
          );
        }

        return host.createSnapshot(uuid, xml, flags);
      },
    );

    return { name: created, domain: await domainOf(host, uuid) };
  });
}

/** Redefines a snapshot from its full XML (CREATE_REDEFINE, with CURRENT and VALIDATE). */
export function redefineSnapshot(
  host: Host,
  uuid: string,
  xml: string,
  options: { current?: boolean | null; validate?: boolean | null },
): Promise<CreateResult> {
  return host.withDomainLock(uuid, async () => {
    const target = documentSnapshotName(xml);
    const { value: name } = await observed(
      host,
      uuid,
      (before) =>
        target === null
          ? { kind: 'create' }
          : { kind: 'redefine', name: target, existed: before.has(target) },
      () => host.createSnapshot(uuid, xml, redefineFlags(options)),
    );

    return { name, domain: await domainOf(host, uuid) };
  });
}

/** Reverts the domain to the snapshot `name`. */
export function revertToSnapshot(
  host: Host,
  uuid: string,
  name: string,
  options: RevertOptions,
): Promise<DomainRecord> {
  return host.withDomainLock(uuid, async () => {
    await observed(
      host,
      uuid,
      () => ({ kind: 'revert', name }),
      () => host.revertToSnapshot(uuid, name, revertFlags(options)),
    );

    return domainOf(host, uuid);
  });
}

// libvirt 9.0's QEMU driver segfaults on DELETE_CHILDREN and DELETE_CHILDREN_ONLY when the
// subtree has two branches each at least two deep, such as r{a1{a2}, b1{b2}}.
function crashesQemu(tree: SnapshotTree, name: string): boolean {
  const subtree = [tree.get(name), ...tree.descendants(name)];

  return subtree.some((node) => {
    if (node === undefined) {
      return false;
    }

    const deepBranches = tree
      .children(node.name)
      .filter((child) => tree.children(child.name).length > 0);

    return deepBranches.length >= 2;
  });
}

function doomedBy(tree: SnapshotTree, name: string, scope: DeleteScopeName): string[] {
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

/**
 * Deletes the snapshot `name`, its descendants too or only them. Where libvirt's own
 * DELETE_CHILDREN flags would crash the QEMU driver, the same snapshots are deleted one at
 * a time, each child before its parent, which reaches the same tree and current snapshot.
 */
export function deleteSnapshot(
  host: Host,
  uuid: string,
  name: string,
  scope: DeleteScopeName,
  metadataOnly: boolean,
): Promise<DeleteResult> {
  return host.withDomainLock(uuid, async () => {
    const { before, after } = await observed(
      host,
      uuid,
      () => ({ kind: 'delete' }),
      async (before) => {
        if (!before.has(name)) {
          throw notFound(`the domain has no snapshot called ${JSON.stringify(name)}`);
        }

        const doomed = doomedBy(before, name, scope);
        if (scope !== 'SNAPSHOT' && host.hypervisor !== 'TEST' && crashesQemu(before, name)) {
          for (const victim of [...doomed].reverse()) {
            await host.deleteSnapshot(uuid, victim, singleDeleteFlags(metadataOnly));
          }
        } else {
          await host.deleteSnapshot(uuid, name, deleteFlags(scope, metadataOnly));
        }
      },
    );
    const reparented = scope === 'SNAPSHOT' ? before.children(name).map((child) => child.name) : [];

    return {
      deletedNames: before
        .topological()
        .map((s) => s.name)
        .filter((n) => !after.has(n)),
      reparentedNames: reparented.filter((child) => after.has(child)),
      domain: await domainOf(host, uuid),
    };
  });
}

function assertNever(value: never): never {
  throw new Error(`unexpected value ${String(value)}`);
}
