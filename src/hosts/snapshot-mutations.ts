import { ApiError, conflict, notFound } from '../errors.ts';
import { type ChangeCause, diffTrees, snapshotTidings, type Tidings } from '../events/index.ts';
import type { DomainRecord, Host } from './host.ts';
import {
  type DeleteScopeName,
  deleteFlags,
  type RevertOptions,
  redefineFlags,
  revertFlags,
  singleDeleteFlags,
} from './snapshot-flags.ts';
import { asJob } from './snapshot-jobs.ts';
import { documentSnapshotName } from './snapshot-name.ts';
import {
  asDryRun,
  type DeletePlan,
  deletedBy,
  deletePlan,
  deleteRefusal,
  revertRefusal,
  stateAfterRevert,
} from './snapshot-plans.ts';
import type { SnapshotTree } from './snapshot-tree.ts';
import { describeTreeChanges, treeChanges } from './tree-version.ts';

/** What a create or redefine leaves behind. */
export interface CreateResult {
  /** The snapshot's name; libvirt's own choice when the document named none. */
  name: string;
  domain: DomainRecord;
}

/** What a delete removed and moved. */
export interface DeleteResult extends DeletePlan {
  domain: DomainRecord;
}

/** What a revert's dry run tells. */
export interface RevertPlan {
  domain: DomainRecord;
  /** The domain's state after the revert. */
  resultingState: DomainRecord['state'];
}

/** What every mutation may ask for beside its own input (API.md, Safety). */
export interface MutationGuard {
  /** Refuse with CONFLICT (TREE_CHANGED) unless the domain's tree has this version. */
  expectedTreeVersion?: string | null;
}

/**
 * Fails with CONFLICT (TREE_CHANGED) when `tree`, read from libvirt just now, is not at the
 * version the client expected; the error names what changed where the server still keeps the
 * tree of the expected version, and always gives the current version.
 */
function assertTreeVersion(
  host: Host,
  uuid: string,
  tree: SnapshotTree,
  expected: string | null | undefined,
): void {
  if (expected === null || expected === undefined) {
    return;
  }

  const version = host.recordVersion(uuid, tree);
  if (version === expected) {
    return;
  }

  const then = host.treeAtVersion(uuid, expected);
  const changes = then === undefined ? undefined : treeChanges(then, tree);
  const what =
    changes === undefined
      ? `it is at version ${version} now, and this server does not know version ${expected}`
      : `since then: ${describeTreeChanges(changes)}`;
  throw conflict(
    'TREE_CHANGED',
    `the domain's snapshot tree has changed (${what}); read it again and decide anew`,
    { currentTreeVersion: version, ...(changes === undefined ? {} : { changes }) },
  );
}

// Runs `change` and tells subscribers what it did: first, as EXTERNAL, whatever changed
// since the server (any replica) last told (so nothing is missed), then, as API, what
// `change` did. Runs inside the domain's lock, so the watcher, which skips a busy (or, on
// another replica, locked) domain, adds nothing.
async function observed<T>(
  host: Host,
  uuid: string,
  guard: MutationGuard,
  cause: (before: SnapshotTree) => ChangeCause,
  change: (before: SnapshotTree, domain: DomainRecord) => Promise<T>,
): Promise<{ value: T; before: SnapshotTree; after: SnapshotTree }> {
  const domain = await domainOf(host, uuid);
  const changed = { hostName: host.name, uuid, name: domain.name };
  const before = await host.snapshotTree(uuid);
  const known = host.knownTree(uuid);
  host.remember(uuid, before);
  const shared = await host.feed.toldTree(host.name, uuid);
  const told = shared ?? known;
  const missed = told === undefined ? [] : diffTrees(told, before, { kind: 'external' });
  if (missed.length > 0 || shared === null) {
    const events = snapshotTidings(changed, missed, 'EXTERNAL');
    if (!(await host.feed.tell(host.name, uuid, { events, trees: [[uuid, before]] }))) {
      throw conflict('DOMAIN_BUSY', 'the domain was released before it could change; try again');
    }
  }

  assertTreeVersion(host, uuid, before, guard.expectedTreeVersion);
  let value: T;
  try {
    value = await change(before, domain);
  } finally {
    // Also after a failure: a delete made one snapshot at a time may have got part way.
    const after = await host.snapshotTree(uuid);
    host.remember(uuid, after);
    await tellDone(host, uuid, {
      events: snapshotTidings(changed, diffTrees(before, after, cause(before)), 'API'),
      trees: [[uuid, after]],
    });
  }

  return { value, before, after: host.knownTree(uuid) as SnapshotTree };
}

// Tells what a mutation did. libvirt has done it: a tell that fails (Redis gone, the lock run
// out) must not turn the answer into a failure, which a client would retry. The domain is
// compared in full with what was told at the next look, which tells what this did not.
async function tellDone(host: Host, uuid: string, tidings: Tidings): Promise<void> {
  const told = await host.feed.tell(host.name, uuid, tidings).catch((error: unknown) => {
    host.logger.warn({ err: error, domainUuid: uuid }, 'a change made was not told');

    return false;
  });
  if (!told) {
    host.unsettle(uuid);
  }
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
  guard: MutationGuard = {},
): Promise<CreateResult> {
  return host.withDomainLock(uuid, async () => {
    const { value: created } = await observed(
      host,
      uuid,
      guard,
      () => ({ kind: 'create' }),
      async (tree, domain) => {
        if (name !== null && tree.has(name)) {
          throw conflict(
            'NAME_TAKEN',
            `the domain already has a snapshot called ${JSON.stringify(name)}`,
          );
        }

        return asJob(
          { host, uuid, domainName: domain.name, operation: 'CREATE', snapshotName: name },
          () => host.createSnapshot(uuid, xml, flags),
          (created) => created,
        );
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
  options: { current?: boolean | null; validate?: boolean | null } & MutationGuard,
): Promise<CreateResult> {
  return host.withDomainLock(uuid, async () => {
    const target = documentSnapshotName(xml);
    const { value: name } = await observed(
      host,
      uuid,
      options,
      (before) =>
        target === null
          ? { kind: 'create' }
          : { kind: 'redefine', name: target, existed: before.has(target) },
      () => host.createSnapshot(uuid, xml, redefineFlags(options)),
    );

    return { name, domain: await domainOf(host, uuid) };
  });
}

function targetIn(tree: SnapshotTree, name: string): void {
  if (!tree.has(name)) {
    throw notFound(`the domain has no snapshot called ${JSON.stringify(name)}`);
  }
}

/** Reverts the domain to the snapshot `name`. */
export function revertToSnapshot(
  host: Host,
  uuid: string,
  name: string,
  options: RevertOptions & MutationGuard,
): Promise<DomainRecord> {
  return host.withDomainLock(uuid, async () => {
    await observed(
      host,
      uuid,
      options,
      () => ({ kind: 'revert', name }),
      (_before, domain) =>
        asJob(
          { host, uuid, domainName: domain.name, operation: 'REVERT', snapshotName: name },
          () => host.revertToSnapshot(uuid, name, revertFlags(options)),
        ),
    );

    return domainOf(host, uuid);
  });
}

/**
 * Checks everything a dry run can before it answers: the host is writable and the domain
 * free, the tree is at the expected version (read from libvirt now) and has the snapshot.
 * Every refusal is marked as a dry run's.
 */
async function planned<T>(
  host: Host,
  uuid: string,
  name: string,
  guard: MutationGuard,
  plan: (domain: DomainRecord, tree: SnapshotTree) => T | Promise<T>,
): Promise<T> {
  try {
    host.assertMutable(uuid);
    const domain = await domainOf(host, uuid);
    const tree = await host.snapshotTree(uuid);
    assertTreeVersion(host, uuid, tree, guard.expectedTreeVersion);
    targetIn(tree, name);

    return await plan(domain, tree);
  } catch (error) {
    throw asDryRun(error);
  }
}

function plannedDomain(host: Host, domain: DomainRecord) {
  return { hypervisor: host.hypervisor, state: domain.state, persistent: domain.persistent };
}

/** A revert's dry run: the domain's state afterwards, or the error the revert would meet. */
export function planRevert(
  host: Host,
  uuid: string,
  name: string,
  options: RevertOptions & MutationGuard,
): Promise<RevertPlan> {
  return planned(host, uuid, name, options, (domain, tree) => {
    const target = tree.get(name) as NonNullable<ReturnType<SnapshotTree['get']>>;
    const refusal = revertRefusal(plannedDomain(host, domain), target, options);
    if (refusal !== null) {
      throw refusal;
    }

    if (host.hypervisor === 'TEST' && options.resetNvram === true) {
      throw new ApiError('BAD_USER_INPUT', 'the test driver does not take resetNvram');
    }

    return { domain, resultingState: stateAfterRevert(target, options) };
  });
}

/** A delete's dry run: what it would remove and re-parent, or the error it would meet. */
export function planDelete(
  host: Host,
  uuid: string,
  name: string,
  scope: DeleteScopeName,
  metadataOnly: boolean,
  guard: MutationGuard,
): Promise<DeleteResult> {
  return planned(host, uuid, name, guard, (domain, tree) => {
    const refusal = deleteRefusal(plannedDomain(host, domain), tree, name, scope, metadataOnly);
    if (refusal !== null) {
      throw refusal;
    }

    return { ...deletePlan(tree, name, scope), domain };
  });
}

// libvirt 9.0's QEMU driver segfaults on DELETE_CHILDREN and DELETE_CHILDREN_ONLY when a
// descendant with children of its own has a sibling, such as r{a1{a2}, b1} or
// r{a1{a2}, b1{b2}}. It walks the subtree while it deletes it and moves the children of each
// deleted snapshot in front of that snapshot's later siblings, so that the walk frees those
// siblings and then visits them again. libvirt's order of siblings (newest first, for
// snapshots created in one daemon's life) is not in the API, so any sibling counts. A chain,
// or leaves under one snapshot, are safe.
function crashesQemu(tree: SnapshotTree, name: string): boolean {
  return tree.descendants(name).some((node) => {
    const parent = tree.parentOf(node.name);
    const siblings = parent === null ? 0 : tree.children(parent).length - 1;

    return siblings > 0 && tree.children(node.name).length > 0;
  });
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
  guard: MutationGuard = {},
): Promise<DeleteResult> {
  return host.withDomainLock(uuid, async () => {
    const { before, after } = await observed(
      host,
      uuid,
      guard,
      () => ({ kind: 'delete' }),
      async (before, domain) => {
        targetIn(before, name);
        const doomed = deletedBy(before, name, scope);
        const job = { host, uuid, domainName: domain.name, operation: 'DELETE' as const };
        await asJob({ ...job, snapshotName: name }, async () => {
          if (scope !== 'SNAPSHOT' && host.hypervisor !== 'TEST' && crashesQemu(before, name)) {
            // libvirt's own call would refuse an external descendant before it deleted
            // anything; one at a time, the refusal would come after the first deletes.
            const refusal = deleteRefusal(
              plannedDomain(host, domain),
              before,
              name,
              scope,
              metadataOnly,
            );
            if (refusal !== null) {
              throw refusal;
            }

            for (const victim of [...doomed].reverse()) {
              await host.deleteSnapshot(uuid, victim, singleDeleteFlags(metadataOnly));
            }
          } else {
            await host.deleteSnapshot(uuid, name, deleteFlags(scope, metadataOnly));
          }
        });
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
