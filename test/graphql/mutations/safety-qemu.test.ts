import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Connection, Libvirt } from '../../../src/ffi/index.ts';
import type { DeleteSnapshotInput, RevertToSnapshotInput } from '../../generated/schema-types.ts';
import { startTestServer, type TestServer } from '../../support/graphql-server.ts';
import { DISK_TARGET, type QemuDomain, QemuDomains } from '../../support/qemu-domain.ts';
import {
  SafetyCreateDocument,
  SafetyDeleteDocument,
  SafetyRevertDocument,
  SafetyTreeDocument,
} from './safety.generated.ts';

/**
 * Dry runs against libvirtd with QEMU (libvirt 9.0): each prediction, an answer or an error,
 * is checked against the real call made right after it, and a race with virsh is caught by
 * `expectedTreeVersion`.
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
  server = await startTestServer({ uris: [URI], watchIntervalMs: 60_000 });
});

afterEach(async () => {
  await domains.disposeAll();
});

afterAll(async () => {
  await server?.stop();
  await connection?.close();
  await libvirt?.close();
});

async function tree(qemuDomain: QemuDomain) {
  const domain = (await server.data(SafetyTreeDocument, { domain: qemuDomain.name })).domain;
  if (domain === null || domain === undefined) {
    throw new Error(`no domain ${qemuDomain.name}`);
  }

  const nodes = domain.snapshots.nodes;

  return {
    id: domain.id,
    state: domain.state,
    version: domain.snapshotTreeVersion,
    current: domain.currentSnapshot?.name ?? null,
    parents: Object.fromEntries(nodes.map((node) => [node.name, node.parent?.name ?? null])),
    ids: Object.fromEntries(nodes.map((node) => [node.name, node.id])) as Record<string, string>,
    xml: Object.fromEntries(nodes.map((node) => [node.name, node.xml])) as Record<string, string>,
  };
}

async function internal(qemuDomain: QemuDomain, name: string): Promise<void> {
  const { id } = await tree(qemuDomain);
  await server.data(SafetyCreateDocument, { input: { domainId: id, name } });
}

async function external(qemuDomain: QemuDomain, name: string): Promise<void> {
  const { id } = await tree(qemuDomain);
  const sourceFile = join(qemuDomain.directory, `${name}.qcow2`);
  await server.data(SafetyCreateDocument, {
    input: {
      domainId: id,
      name,
      diskOnly: true,
      disks: [{ name: DISK_TARGET, mode: 'EXTERNAL', driverType: 'qcow2', sourceFile }],
    },
  });
}

/**
 * A dry run of a delete, then the delete: both fail with the same code, the tree untouched,
 * or both answer the same. Returns the code, or null when the delete went ahead.
 */
async function deleteBothWays(qemuDomain: QemuDomain, input: DeleteSnapshotInput) {
  const before = await tree(qemuDomain);
  const planned = await server.request(SafetyDeleteDocument, { input: { ...input, dryRun: true } });
  expect(await tree(qemuDomain)).toEqual(before);

  const real = await server.request(SafetyDeleteDocument, { input });
  const plannedCode = planned.errors?.[0]?.extensions?.code ?? null;
  expect(plannedCode, JSON.stringify(real.errors)).toBe(real.errors?.[0]?.extensions?.code ?? null);
  if (plannedCode !== null) {
    expect(planned.errors?.[0]?.extensions?.dryRun).toBe(true);
    expect(await tree(qemuDomain)).toEqual(before);

    return plannedCode;
  }

  expect(planned.data?.deleteSnapshot.dryRun).toBe(true);
  expect(real.data?.deleteSnapshot).toEqual({ ...planned.data?.deleteSnapshot, dryRun: false });

  return null;
}

/** The same for a revert; the predicted state is the state the domain is in afterwards. */
async function revertBothWays(qemuDomain: QemuDomain, input: RevertToSnapshotInput) {
  const before = await tree(qemuDomain);
  const planned = await server.request(SafetyRevertDocument, { input: { ...input, dryRun: true } });
  expect(await tree(qemuDomain)).toEqual(before);

  const real = await server.request(SafetyRevertDocument, { input });
  const plannedCode = planned.errors?.[0]?.extensions?.code ?? null;
  expect(plannedCode, JSON.stringify(real.errors)).toBe(real.errors?.[0]?.extensions?.code ?? null);
  if (plannedCode !== null) {
    expect(await tree(qemuDomain)).toEqual(before);

    return plannedCode;
  }

  expect(planned.data?.revertToSnapshot.resultingState).toBe(
    real.data?.revertToSnapshot.domain.state,
  );

  return real.data?.revertToSnapshot.domain.state;
}

describe('dry runs on a shut-off domain', () => {
  it('predict reverts and deletes of internal and external snapshots', async () => {
    const qemuDomain = await domains.create();
    await internal(qemuDomain, 'i1');
    await internal(qemuDomain, 'i2');
    const ids = async () => (await tree(qemuDomain)).ids;

    expect(await revertBothWays(qemuDomain, { snapshotId: (await ids()).i1 ?? '' })).toBe(
      'SHUTOFF',
    );

    // i1{i2, e1}: an external snapshot whose parent is internal.
    await external(qemuDomain, 'e1');
    expect((await tree(qemuDomain)).parents.e1).toBe('i1');

    const e1 = (await ids()).e1 ?? '';
    expect(await revertBothWays(qemuDomain, { snapshotId: e1 })).toBe('UNSUPPORTED');
    expect(await deleteBothWays(qemuDomain, { snapshotId: e1 })).toBe('UNSUPPORTED');

    const i1 = (await ids()).i1 ?? '';
    for (const scope of ['SNAPSHOT_AND_DESCENDANTS', 'DESCENDANTS_ONLY'] as const) {
      expect(await deleteBothWays(qemuDomain, { snapshotId: i1, scope })).toBe('UNSUPPORTED');
    }

    // e1{e2}: shut off, libvirt 9.0 finds no base to merge e1 into.
    await external(qemuDomain, 'e2');
    expect(await deleteBothWays(qemuDomain, { snapshotId: e1 })).toBe('BAD_USER_INPUT');

    // Metadata only, libvirt lets go of external snapshots, and an internal leaf goes.
    const e2 = (await ids()).e2 ?? '';
    expect(await deleteBothWays(qemuDomain, { snapshotId: e2, metadataOnly: true })).toBeNull();
    expect(await deleteBothWays(qemuDomain, { snapshotId: e1, metadataOnly: true })).toBeNull();
    expect(await deleteBothWays(qemuDomain, { snapshotId: (await ids()).i2 ?? '' })).toBeNull();
    expect(Object.keys((await tree(qemuDomain)).parents)).toEqual(['i1']);
  });
});

describe('dry runs on a running domain', () => {
  it('predict reverts and the deletes of an external chain', async () => {
    const qemuDomain = await domains.create({ start: true });
    await internal(qemuDomain, 'r1');
    await internal(qemuDomain, 'r2');
    const ids = async () => (await tree(qemuDomain)).ids;

    const r1 = (await ids()).r1 ?? '';
    expect(await revertBothWays(qemuDomain, { snapshotId: r1, targetState: 'PAUSED' })).toBe(
      'PAUSED',
    );
    expect(await revertBothWays(qemuDomain, { snapshotId: r1 })).toBe('RUNNING');

    // r1{r2, e1{e2{e3}}}: a chain of external snapshots under an internal one.
    for (const name of ['e1', 'e2', 'e3']) {
      await external(qemuDomain, name);
    }
    expect((await tree(qemuDomain)).parents).toMatchObject({ e1: 'r1', e2: 'e1', e3: 'e2' });

    // e2 has an external parent and one child: libvirt merges it and e3 moves up to e1.
    expect(await deleteBothWays(qemuDomain, { snapshotId: (await ids()).e2 ?? '' })).toBeNull();
    expect((await tree(qemuDomain)).parents.e3).toBe('e1');

    expect(await deleteBothWays(qemuDomain, { snapshotId: (await ids()).e1 ?? '' })).toBe(
      'UNSUPPORTED',
    );
    expect(
      await deleteBothWays(qemuDomain, { snapshotId: r1, scope: 'SNAPSHOT_AND_DESCENDANTS' }),
    ).toBe('UNSUPPORTED');
  });
});

describe('expectedTreeVersion against virsh', () => {
  it('catches a snapshot virsh made between reading the tree and deleting', async () => {
    const qemuDomain = await domains.create();
    await internal(qemuDomain, 'mine');
    const read = await tree(qemuDomain);

    await run('virsh', ['-q', '-c', URI, 'snapshot-create-as', qemuDomain.name, 'by-virsh']);
    const input = { snapshotId: read.ids.mine ?? '', expectedTreeVersion: read.version };
    const planned = await server.request(SafetyDeleteDocument, {
      input: { ...input, dryRun: true },
    });
    const real = await server.request(SafetyDeleteDocument, { input });

    for (const response of [planned, real]) {
      expect(response.errors?.[0]?.extensions).toMatchObject({
        code: 'CONFLICT',
        reason: 'TREE_CHANGED',
        changes: [
          { change: 'CREATED', snapshotName: 'by-virsh' },
          { change: 'CURRENT', snapshotName: 'by-virsh' },
        ],
      });
    }
    expect(planned.errors?.[0]?.extensions?.dryRun).toBe(true);
    expect(Object.keys((await tree(qemuDomain)).parents).sort()).toEqual(['by-virsh', 'mine']);
  });
});
