import { execFile } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Connection, ErrorDomain, ErrorNumber, Libvirt } from '../../../src/ffi/index.ts';
import type {
  CreateSnapshotInput,
  DeleteScope,
  DeleteSnapshotInput,
  RevertToSnapshotInput,
} from '../../generated/schema-types.ts';
import { startTestServer, type TestServer } from '../../support/graphql-server.ts';
import {
  DISK_TARGET,
  diskSnapshotNames,
  type QemuDomain,
  type QemuDomainOptions,
  QemuDomains,
} from '../../support/qemu-domain.ts';
import { listDomain, refusal } from './helpers.ts';
import {
  MutationsCreateDocument,
  MutationsDeleteDocument,
  MutationsRedefineDocument,
  MutationsRevertDocument,
  MutationsSnapshotDocument,
} from './mutations.generated.ts';

/**
 * The four mutations over HTTP against libvirtd with QEMU (`qemu:///system`): throwaway
 * OS-less domains with a qcow2 disk, real internal and external snapshots, libvirt 9.0's own
 * refusals, and the tree shape that crashes libvirt 9.0's DELETE_CHILDREN.
 */

const URI = 'qemu:///system';
const run = promisify(execFile);

let libvirt: Libvirt;
let connection: Connection;
let server: TestServer;
const domains = new QemuDomains(() => connection);

beforeAll(async () => {
  libvirt = await Libvirt.start({ callThreads: 2 });
  connection = await libvirt.open(URI);
  server = await startTestServer({ uris: [URI] });
});

afterEach(async () => {
  await domains.disposeAll();
});

afterAll(async () => {
  await server?.stop();
  await connection?.close();
  await libvirt?.close();
});

/** A throwaway domain and its listing over HTTP. */
async function domainWith(options: QemuDomainOptions = {}) {
  const qemuDomain = await domains.create(options);

  return { qemuDomain, ...(await listDomain(server, qemuDomain.name)) };
}

async function create(input: CreateSnapshotInput) {
  return (await server.data(MutationsCreateDocument, { input })).createSnapshot;
}

async function revert(input: RevertToSnapshotInput) {
  return (await server.data(MutationsRevertDocument, { input })).revertToSnapshot;
}

async function remove(input: DeleteSnapshotInput) {
  return (await server.data(MutationsDeleteDocument, { input })).deleteSnapshot;
}

/** Takes the snapshots `names` one after the other: a chain, the last one current. */
async function takeChain(domainId: string, names: string[]): Promise<void> {
  for (const name of names) {
    await create({ domainId, name });
  }
}

/** The disk-only external snapshot `name`, into a new overlay in the domain's directory. */
async function takeExternal(qemuDomain: QemuDomain, domainId: string, name: string) {
  const overlay = join(qemuDomain.directory, `${name}.qcow2`);
  const payload = await create({
    domainId,
    name,
    diskOnly: true,
    disks: [{ name: DISK_TARGET, mode: 'EXTERNAL', driverType: 'qcow2', sourceFile: overlay }],
  });

  return { payload, overlay };
}

/** libvirtd's process id; a crash (and systemd or a script starting it again) changes it. */
async function libvirtdPid(): Promise<string> {
  const { stdout } = await run('pgrep', ['-x', 'libvirtd']);

  return stdout.trim();
}

/** What the disk holds, sorted: the internal snapshots qemu-img finds in the image. */
async function onDisk(qemuDomain: QemuDomain): Promise<string[]> {
  return (await diskSnapshotNames(qemuDomain.diskPath)).sort();
}

describe('createSnapshot', () => {
  it('takes an internal snapshot of a shut-off domain', async () => {
    const { qemuDomain, ...before } = await domainWith();
    expect(before).toMatchObject({ state: 'SHUTOFF', current: null, parents: {} });

    const payload = await create({
      domainId: before.domainId,
      name: 'offline',
      description: 'before the upgrade',
    });

    expect(payload.snapshot).toMatchObject({
      name: 'offline',
      description: 'before the upgrade',
      state: 'SHUTOFF',
      kind: 'INACTIVE',
      location: 'INTERNAL',
      memory: { mode: 'NO', file: null },
      disks: [{ name: DISK_TARGET, mode: 'INTERNAL', driverType: null, sourceFile: null }],
      isCurrent: true,
      hasMetadata: true,
      parent: null,
    });
    expect(payload.domain).toMatchObject({
      state: 'SHUTOFF',
      currentSnapshot: { name: 'offline' },
    });
    expect(await listDomain(server, qemuDomain.name)).toMatchObject({
      state: 'SHUTOFF',
      current: 'offline',
      parents: { offline: null },
    });
    expect(await onDisk(qemuDomain)).toEqual(['offline']);
  });

  it('takes an internal snapshot with memory of a running domain', async () => {
    const { qemuDomain, ...before } = await domainWith({ start: true });
    expect(before).toMatchObject({ state: 'RUNNING', parents: {} });

    const payload = await create({ domainId: before.domainId, name: 'live' });

    expect(payload.snapshot).toMatchObject({
      name: 'live',
      state: 'RUNNING',
      kind: 'ACTIVE',
      location: 'INTERNAL',
      memory: { mode: 'INTERNAL', file: null },
      isCurrent: true,
    });
    expect(payload.domain).toMatchObject({ state: 'RUNNING', currentSnapshot: { name: 'live' } });
    expect(await listDomain(server, qemuDomain.name)).toMatchObject({
      state: 'RUNNING',
      current: 'live',
      parents: { live: null },
    });
    expect(await onDisk(qemuDomain)).toEqual(['live']);
  });

  it('takes an external disk-only snapshot from the structured disks field', async () => {
    const { qemuDomain, domainId } = await domainWith();
    await create({ domainId, name: 'base' });
    const before = await listDomain(server, qemuDomain.name);

    const { payload, overlay } = await takeExternal(qemuDomain, domainId, 'outside');

    // libvirt records the state of a shut-off domain, not disk-snapshot, for an offline one.
    expect(payload.snapshot).toMatchObject({
      name: 'outside',
      state: 'SHUTOFF',
      kind: 'INACTIVE',
      location: 'EXTERNAL',
      memory: { mode: 'NO', file: null },
      disks: [{ name: DISK_TARGET, mode: 'EXTERNAL', driverType: 'qcow2', sourceFile: overlay }],
      isCurrent: true,
      parent: { name: 'base' },
    });
    expect(payload.snapshot?.xml).toContain(`<source file='${overlay}'/>`);
    expect((await stat(overlay)).isFile()).toBe(true);
    expect(await listDomain(server, qemuDomain.name)).toEqual({
      ...before,
      current: 'outside',
      parents: { base: null, outside: 'base' },
      ids: { ...before.ids, outside: payload.snapshot?.id },
    });
  });

  it('refuses flag mixes libvirt cannot do, with libvirt’s own error', async () => {
    const { qemuDomain, domainId } = await domainWith();
    await create({ domainId, name: 'base' });
    const before = await listDomain(server, qemuDomain.name);

    const quiesce = await refusal(server, MutationsCreateDocument, {
      input: { domainId, name: 'x', quiesce: true },
    });
    const live = await refusal(server, MutationsCreateDocument, {
      input: { domainId, name: 'x', live: true },
    });
    const diskOnlyWithMemory = await refusal(server, MutationsCreateDocument, {
      input: { domainId, name: 'x', diskOnly: true, memory: { mode: 'INTERNAL' } },
    });

    expect(quiesce).toMatchObject({
      code: 'BAD_USER_INPUT',
      libvirt: {
        code: ErrorNumber.INVALID_ARG,
        domain: ErrorDomain.QEMU,
        message:
          "Flag 'VIR_DOMAIN_SNAPSHOT_CREATE_DISK_ONLY' is required by flag " +
          "'VIR_DOMAIN_SNAPSHOT_CREATE_QUIESCE'",
      },
    });
    // The server refuses it first, on every driver (the test driver would take the snapshot).
    expect(live).toMatchObject({ code: 'BAD_USER_INPUT', libvirt: undefined });
    expect(live.message).toMatch(/live needs the memory saved to an external file/);
    expect(diskOnlyWithMemory).toMatchObject({
      code: 'BAD_USER_INPUT',
      libvirt: {
        code: ErrorNumber.XML_ERROR,
        domain: ErrorDomain.DOMAIN_SNAPSHOT,
        message: expect.stringContaining('memory state cannot be saved'),
      },
    });
    expect(await listDomain(server, qemuDomain.name)).toEqual(before);
    expect(await onDisk(qemuDomain)).toEqual(['base']);
  });

  it('answers a null snapshot for noMetadata and lists nothing new', async () => {
    const { qemuDomain, domainId } = await domainWith();
    await create({ domainId, name: 'kept' });
    const before = await listDomain(server, qemuDomain.name);

    const payload = await create({ domainId, name: 'untracked', noMetadata: true });

    expect(payload.snapshot).toBeNull();
    expect(payload.domain).toMatchObject({
      id: domainId,
      name: qemuDomain.name,
      currentSnapshot: { name: 'kept' },
    });
    expect(await listDomain(server, qemuDomain.name)).toEqual(before);
    // libvirt keeps no metadata, but the disk has the snapshot.
    expect(await onDisk(qemuDomain)).toEqual(['kept', 'untracked']);
  });
});

describe('revertToSnapshot', () => {
  it('starts a shut-off domain from an inactive snapshot with targetState RUNNING', async () => {
    const { qemuDomain, domainId } = await domainWith();
    await takeChain(domainId, ['offline', 'later']);
    const before = await listDomain(server, qemuDomain.name);

    const payload = await revert({
      snapshotId: before.ids.offline as string,
      targetState: 'RUNNING',
    });

    expect(payload.snapshot).toMatchObject({ name: 'offline', isCurrent: true, state: 'SHUTOFF' });
    expect(payload.domain).toMatchObject({
      state: 'RUNNING',
      currentSnapshot: { name: 'offline' },
    });
    expect(await listDomain(server, qemuDomain.name)).toEqual({
      ...before,
      state: 'RUNNING',
      current: 'offline',
    });
  });

  it('leaves the domain paused with targetState PAUSED', async () => {
    const { qemuDomain, domainId } = await domainWith();
    await takeChain(domainId, ['offline', 'later']);
    const before = await listDomain(server, qemuDomain.name);

    const payload = await revert({
      snapshotId: before.ids.offline as string,
      targetState: 'PAUSED',
    });

    expect(payload.domain).toMatchObject({ state: 'PAUSED', currentSnapshot: { name: 'offline' } });
    expect(await listDomain(server, qemuDomain.name)).toEqual({
      ...before,
      state: 'PAUSED',
      current: 'offline',
    });
  });

  it('restores a running domain from a snapshot with memory with force', async () => {
    const { qemuDomain, domainId } = await domainWith({ start: true });
    await takeChain(domainId, ['live', 'later']);
    const before = await listDomain(server, qemuDomain.name);

    const payload = await revert({ snapshotId: before.ids.live as string, force: true });

    expect(payload.snapshot).toMatchObject({ name: 'live', isCurrent: true, state: 'RUNNING' });
    expect(payload.domain).toMatchObject({ state: 'RUNNING', currentSnapshot: { name: 'live' } });
    expect(await listDomain(server, qemuDomain.name)).toEqual({ ...before, current: 'live' });
  });

  it('refuses to revert to an external snapshot with UNSUPPORTED and changes nothing', async () => {
    const { qemuDomain, domainId } = await domainWith();
    await create({ domainId, name: 'base' });
    await takeExternal(qemuDomain, domainId, 'outside');
    const before = await listDomain(server, qemuDomain.name);
    const snapshotId = before.ids.outside as string;

    const plain = await refusal(server, MutationsRevertDocument, { input: { snapshotId } });
    const forced = await refusal(server, MutationsRevertDocument, {
      input: { snapshotId, force: true, targetState: 'RUNNING' },
    });

    for (const error of [plain, forced]) {
      expect(error).toMatchObject({
        code: 'UNSUPPORTED',
        libvirt: { code: ErrorNumber.CONFIG_UNSUPPORTED, domain: ErrorDomain.QEMU },
      });
    }
    expect(await listDomain(server, qemuDomain.name)).toEqual(before);
    expect(before).toMatchObject({ state: 'SHUTOFF', current: 'outside' });
  });
});

describe('deleteSnapshot', () => {
  it('deletes one snapshot and re-parents its children', async () => {
    const { qemuDomain, domainId } = await domainWith();
    await takeChain(domainId, ['a', 'b', 'c']);
    const before = await listDomain(server, qemuDomain.name);

    const payload = await remove({ snapshotId: before.ids.b as string, scope: 'SNAPSHOT' });

    expect(payload.deletedSnapshotNames).toEqual(['b']);
    expect(payload.deletedSnapshotIds).toEqual([before.ids.b]);
    expect(payload.domain.currentSnapshot).toEqual({ name: 'c' });
    expect(await listDomain(server, qemuDomain.name)).toMatchObject({
      current: 'c',
      parents: { a: null, c: 'a' },
    });
    expect(await onDisk(qemuDomain)).toEqual(['a', 'c']);
  });

  it('deletes a snapshot and its descendants with SNAPSHOT_AND_DESCENDANTS', async () => {
    const { qemuDomain, domainId } = await domainWith();
    await takeChain(domainId, ['a', 'b', 'c']);
    const before = await listDomain(server, qemuDomain.name);

    const payload = await remove({
      snapshotId: before.ids.b as string,
      scope: 'SNAPSHOT_AND_DESCENDANTS',
    });

    expect(payload.deletedSnapshotNames).toEqual(['b', 'c']);
    expect(payload.deletedSnapshotIds).toEqual([before.ids.b, before.ids.c]);
    expect(await listDomain(server, qemuDomain.name)).toMatchObject({
      current: 'a',
      parents: { a: null },
    });
    expect(await onDisk(qemuDomain)).toEqual(['a']);
  });

  it('deletes only the descendants with DESCENDANTS_ONLY', async () => {
    const { qemuDomain, domainId } = await domainWith();
    await takeChain(domainId, ['a', 'b']);
    // Back to a, so that c becomes b's sibling: a { b, c }.
    await revert({ snapshotId: (await listDomain(server, qemuDomain.name)).ids.a as string });
    await create({ domainId, name: 'c' });
    const before = await listDomain(server, qemuDomain.name);
    expect(before).toMatchObject({ current: 'c', parents: { a: null, b: 'a', c: 'a' } });

    const payload = await remove({ snapshotId: before.ids.a as string, scope: 'DESCENDANTS_ONLY' });

    expect(payload.deletedSnapshotNames).toEqual(['b', 'c']);
    expect(payload.deletedSnapshotIds).toEqual([before.ids.b, before.ids.c]);
    expect(await listDomain(server, qemuDomain.name)).toMatchObject({
      current: 'a',
      parents: { a: null },
    });
    expect(await onDisk(qemuDomain)).toEqual(['a']);
  });

  it('leaves the disk as it was with metadataOnly, whatever the scope', async () => {
    const { qemuDomain, domainId } = await domainWith();
    await takeChain(domainId, ['a', 'b', 'c', 'd', 'e']);
    const before = await listDomain(server, qemuDomain.name);
    const ids = before.ids as Record<string, string>;

    const single = await remove({ snapshotId: ids.e as string, metadataOnly: true });
    const subtree = await remove({
      snapshotId: ids.d as string,
      scope: 'SNAPSHOT_AND_DESCENDANTS',
      metadataOnly: true,
    });
    const descendants = await remove({
      snapshotId: ids.a as string,
      scope: 'DESCENDANTS_ONLY',
      metadataOnly: true,
    });

    expect(single.deletedSnapshotNames).toEqual(['e']);
    expect(subtree.deletedSnapshotNames).toEqual(['d']);
    expect(descendants.deletedSnapshotNames).toEqual(['b', 'c']);
    expect(await listDomain(server, qemuDomain.name)).toMatchObject({
      current: 'a',
      parents: { a: null },
    });
    expect(await onDisk(qemuDomain)).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  // libvirt 9.0's DELETE_CHILDREN and DELETE_CHILDREN_ONLY, with or without METADATA_ONLY,
  // kill libvirtd on this shape; the server deletes the same snapshots one at a time instead.
  const ALL = ['r', 'a1', 'a2', 'b1', 'b2'];
  describe.each<{ scope: DeleteScope; metadataOnly: boolean; deleted: string[]; kept: string[] }>([
    { scope: 'SNAPSHOT_AND_DESCENDANTS', metadataOnly: false, deleted: ALL, kept: [] },
    { scope: 'DESCENDANTS_ONLY', metadataOnly: false, deleted: ALL.slice(1), kept: ['r'] },
    { scope: 'SNAPSHOT_AND_DESCENDANTS', metadataOnly: true, deleted: ALL, kept: [] },
  ])('on r{a1{a2}, b1{b2}} with $scope, metadataOnly $metadataOnly', (shape) => {
    const { scope, metadataOnly, deleted, kept } = shape;

    it('deletes the right snapshots and leaves libvirtd running', async () => {
      const { qemuDomain, domainId } = await domainWith();
      await takeChain(domainId, ['r', 'a1', 'a2']);
      await revert({ snapshotId: (await listDomain(server, qemuDomain.name)).ids.r as string });
      await takeChain(domainId, ['b1', 'b2']);
      const before = await listDomain(server, qemuDomain.name);
      expect(before).toMatchObject({
        current: 'b2',
        parents: { r: null, a1: 'r', a2: 'a1', b1: 'r', b2: 'b1' },
      });
      const pid = await libvirtdPid();

      const payload = await remove({ snapshotId: before.ids.r as string, scope, metadataOnly });

      expect(payload.deletedSnapshotNames).toEqual(deleted);
      expect(payload.deletedSnapshotIds).toEqual(deleted.map((name) => before.ids[name]));
      expect(await libvirtdPid()).toBe(pid);
      expect(await connection.type()).toBe('QEMU');
      const after = await listDomain(server, qemuDomain.name);
      expect(after.parents).toEqual(Object.fromEntries(kept.map((name) => [name, null])));
      // The current snapshot was a descendant: r takes over, or none is left.
      expect(after.current).toBe(kept.length > 0 ? 'r' : null);
      expect(await onDisk(qemuDomain)).toEqual(metadataOnly ? [...ALL].sort() : kept);
    });
  });
});

describe('the domain lock', () => {
  // A snapshot with the memory of a running domain of 4 GiB takes about half a second: long
  // enough to send the other mutations while it runs. The first one holds the lock well
  // within 50 ms: before the lock it makes one libvirt call.
  it('refuses a second mutation of the domain at once with DOMAIN_BUSY', async () => {
    const { qemuDomain, domainId } = await domainWith({ memoryMiB: 4096 });
    await create({ domainId, name: 'base' });
    await qemuDomain.domain.create();
    const before = await listDomain(server, qemuDomain.name);
    const snapshotId = before.ids.base as string;
    const xml = (
      await server.data(MutationsSnapshotDocument, {
        domain: qemuDomain.name,
        name: 'base',
      })
    ).domain?.snapshot?.xml as string;

    const started = Date.now();
    const first = server
      .request(MutationsCreateDocument, { input: { domainId, name: 'slow' } })
      .then((response) => ({ response, doneAfter: Date.now() - started }));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const refusals = await Promise.all([
      refusal(server, MutationsCreateDocument, { input: { domainId, name: 'second' } }),
      refusal(server, MutationsRevertDocument, { input: { snapshotId } }),
      refusal(server, MutationsDeleteDocument, { input: { snapshotId } }),
      refusal(server, MutationsRedefineDocument, { input: { domainId, xml } }),
    ]);
    const refusedAfter = Date.now() - started;
    const { response: created, doneAfter } = await first;

    for (const error of refusals) {
      expect(error).toMatchObject({ code: 'CONFLICT', reason: 'DOMAIN_BUSY' });
    }
    expect(refusedAfter).toBeLessThan(doneAfter);
    expect(created.errors).toBeUndefined();
    expect(created.data?.createSnapshot.snapshot).toMatchObject({ name: 'slow', state: 'RUNNING' });
    expect(await listDomain(server, qemuDomain.name)).toMatchObject({
      current: 'slow',
      parents: { base: null, slow: 'base' },
    });
  });
});
