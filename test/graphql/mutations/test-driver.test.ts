import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorDomain, ErrorNumber } from '../../../src/ffi/index.ts';
import { encodeGlobalID } from '../../../src/resolvers/builder.ts';
import { encodeKey } from '../../../src/resolvers/ids.ts';
import type {
  CreateSnapshotInput,
  DeleteSnapshotInput,
  RedefineSnapshotInput,
  RevertToSnapshotInput,
} from '../../generated/schema-types.ts';
import { startTestServer, type TestServer } from '../../support/graphql-server.ts';
import {
  chain,
  type FixtureDomain,
  type TestDriverFixture,
  testDriverFixture,
} from '../../support/test-driver.ts';
import {
  type DomainListing,
  diskDomainFixture,
  FIXTURE_DISK,
  listDomain,
  refusal,
} from './helpers.ts';
import {
  MutationsCreateDocument,
  MutationsDeleteDocument,
  MutationsRedefineDocument,
  MutationsRevertDocument,
  MutationsSnapshotDocument,
} from './mutations.generated.ts';

/**
 * The four mutations over HTTP against libvirt's test driver: private fixtures, one domain per
 * test, so that every test starts from a tree of its own.
 */

// virErrorDomain VIR_FROM_DOMAIN, which the binding names no constant for.
const FROM_DOMAIN = 20;

const domains: FixtureDomain[] = [
  { name: 'create-xml', snapshots: chain(['a']) },
  { name: 'create-both', snapshots: chain(['a']) },
  { name: 'create-invalid', snapshots: chain(['a']) },
  { name: 'create-taken', snapshots: chain(['a', 'b']) },
  { name: 'create-flags', snapshots: chain(['a']) },
  { name: 'create-unnamed' },
  { name: 'redefine', snapshots: chain(['a', 'b', 'c']) },
  { name: 'redefine-order', snapshots: chain(['a', 'b', 'c']) },
  { name: 'revert', snapshots: chain(['a', 'b', 'c']) },
  { name: 'revert-paused', snapshots: chain(['a', 'b']) },
  { name: 'delete-one' },
  { name: 'delete-current', snapshots: chain(['a', 'b', 'c']) },
  { name: 'delete-subtree' },
  { name: 'delete-descendants' },
  { name: 'ids', snapshots: chain(['a', 'b']) },
  { name: 'busy', snapshots: chain(['a']) },
  { name: 'bystander', snapshots: chain(['a']) },
];

let fixture: TestDriverFixture;
let diskFixture: TestDriverFixture;
let server: TestServer;

beforeAll(async () => {
  fixture = testDriverFixture(domains);
  diskFixture = diskDomainFixture('with-disk');
  server = await startTestServer({ uris: [fixture.uri, diskFixture.uri] });
});

afterAll(async () => {
  await server?.stop();
  fixture?.dispose();
  diskFixture?.dispose();
});

const list = (domain: string) => listDomain(server, domain);

async function create(input: CreateSnapshotInput) {
  return (await server.data(MutationsCreateDocument, { input })).createSnapshot;
}

async function redefine(input: RedefineSnapshotInput) {
  return (await server.data(MutationsRedefineDocument, { input })).redefineSnapshot;
}

async function revert(input: RevertToSnapshotInput) {
  return (await server.data(MutationsRevertDocument, { input })).revertToSnapshot;
}

async function remove(input: DeleteSnapshotInput) {
  return (await server.data(MutationsDeleteDocument, { input })).deleteSnapshot;
}

/** The snapshot's XML as Snapshot.xml returns it. */
async function xmlOf(domain: string, name: string): Promise<string> {
  const data = await server.data(MutationsSnapshotDocument, { domain, name });
  const xml = data.domain?.snapshot?.xml;
  if (xml === undefined) {
    throw new Error(`no snapshot ${name} of ${domain}`);
  }

  return xml;
}

/** The payload's `domain` for a domain of the test driver, which runs every domain. */
function payloadDomain(listing: DomainListing, current: string | null) {
  return {
    id: listing.domainId,
    uuid: listing.uuid,
    name: expect.any(String),
    state: 'RUNNING',
    currentSnapshot: current === null ? null : { name: current },
  };
}

/**
 * a ← b ← {c, d} made through the API: c on top of b, then back to b and d beside c. d is
 * current.
 */
async function branch(domain: string): Promise<DomainListing> {
  const { domainId } = await list(domain);
  for (const name of ['a', 'b', 'c']) {
    await create({ domainId, name });
  }
  await revert({ snapshotId: (await list(domain)).ids.b as string });
  await create({ domainId, name: 'd' });

  const listing = await list(domain);
  expect(listing.parents).toEqual({ a: null, b: 'a', c: 'b', d: 'b' });
  expect(listing.current).toBe('d');

  return listing;
}

describe('createSnapshot', () => {
  it('writes the structured fields into the document, escaping every value', async () => {
    const before = await list('with-disk');
    expect(before.parents).toEqual({});
    // Spliced into the document, this description would close itself and add a second name.
    const description = `<&>'" </description><name>spliced</name>`;
    const memoryFile = '/var/lib/vsg-fixture/memory.save';
    const overlay = '/var/lib/vsg-fixture/overlay.qcow2';

    const payload = await create({
      domainId: before.domainId,
      name: 'a&b<c>',
      description,
      memory: { mode: 'EXTERNAL', file: memoryFile },
      disks: [
        { name: FIXTURE_DISK.target, mode: 'EXTERNAL', driverType: 'qcow2', sourceFile: overlay },
      ],
    });

    expect(payload.snapshot).toMatchObject({
      name: 'a&b<c>',
      description,
      state: 'RUNNING',
      kind: 'ACTIVE',
      location: 'EXTERNAL',
      memory: { mode: 'EXTERNAL', file: memoryFile },
      disks: [{ name: 'vda', mode: 'EXTERNAL', driverType: 'qcow2', sourceFile: overlay }],
      isCurrent: true,
      hasMetadata: true,
      parent: null,
    });
    const xml = payload.snapshot?.xml ?? '';
    expect(xml).toContain('<name>a&amp;b&lt;c&gt;</name>');
    expect(xml).toContain(
      '<description>&lt;&amp;&gt;&apos;&quot; &lt;/description&gt;&lt;name&gt;spliced&lt;/name&gt;' +
        '</description>',
    );
    expect(xml).toContain(`<memory snapshot='external' file='${memoryFile}'/>`);
    expect(xml).toMatch(
      new RegExp(
        `<disk name='vda' snapshot='external' type='file'>\\s*<driver type='qcow2'/>\\s*` +
          `<source file='${overlay}'/>\\s*</disk>`,
      ),
    );
    expect(payload.domain).toEqual(payloadDomain(before, 'a&b<c>'));
    expect(await list('with-disk')).toEqual({
      ...before,
      current: 'a&b<c>',
      parents: { 'a&b<c>': null },
      ids: { 'a&b<c>': payload.snapshot?.id },
    });
  });

  it('takes a whole <domainsnapshot> document from xml', async () => {
    const before = await list('create-xml');

    const payload = await create({
      domainId: before.domainId,
      xml: '<domainsnapshot><name>from-xml</name><description>x &amp; y</description></domainsnapshot>',
    });

    expect(payload.snapshot).toMatchObject({
      name: 'from-xml',
      description: 'x & y',
      parent: { name: 'a' },
      isCurrent: true,
    });
    expect(payload.domain).toEqual(payloadDomain(before, 'from-xml'));
    const after = await list('create-xml');
    expect(after.parents).toEqual({ a: null, 'from-xml': 'a' });
    expect(after.current).toBe('from-xml');
  });

  it('refuses the structured fields and xml together', async () => {
    const before = await list('create-both');
    const xml = '<domainsnapshot><name>x</name></domainsnapshot>';

    for (const structured of [
      { name: 'y' },
      { description: 'd' },
      { memory: { mode: 'NO' as const } },
      { disks: [{ name: 'vda', mode: 'INTERNAL' as const }] },
    ]) {
      const input = { domainId: before.domainId, xml, ...structured };
      const error = await refusal(server, MutationsCreateDocument, { input });

      expect(error.code).toBe('BAD_USER_INPUT');
    }
    expect(await list('create-both')).toEqual(before);
  });

  it('refuses XML libvirt cannot read with libvirt’s own error', async () => {
    const before = await list('create-invalid');
    const cases = [
      {
        xml: '<domainsnapshot><name>x</name>',
        libvirt: {
          code: ErrorNumber.XML_DETAIL,
          domain: ErrorDomain.DOMAIN_SNAPSHOT,
          message: expect.stringContaining('Premature end of data in tag domainsnapshot'),
        },
      },
      {
        xml: '',
        libvirt: {
          code: ErrorNumber.XML_DETAIL,
          domain: ErrorDomain.DOMAIN_SNAPSHOT,
          message: expect.stringContaining('Document is empty'),
        },
      },
      {
        xml: '<domain><name>x</name></domain>',
        libvirt: {
          code: ErrorNumber.XML_ERROR,
          domain: 5, // VIR_FROM_XML
          message: "XML error: expecting root element of 'domainsnapshot', not 'domain'",
        },
      },
    ];

    for (const { xml, libvirt } of cases) {
      const input = { domainId: before.domainId, xml };
      const error = await refusal(server, MutationsCreateDocument, { input });

      expect(error).toEqual({
        code: 'BAD_USER_INPUT',
        reason: undefined,
        libvirt,
        message: expect.any(String),
      });
    }
    expect(await list('create-invalid')).toEqual(before);
  });

  it('refuses structured fields that make no document before calling libvirt', async () => {
    const before = await list('create-both');

    for (const fields of [
      { name: '' },
      { name: 'a/b' },
      { description: 'x\u0000y' },
      { memory: { mode: 'INTERNAL' as const, file: '/tmp/memory' } },
      { disks: [{ name: 'vda', mode: 'INTERNAL' as const, sourceFile: '/tmp/overlay' }] },
      { disks: [{ name: '', mode: 'NO' as const }] },
      {
        disks: [
          { name: 'vda', mode: 'NO' as const },
          { name: 'vda', mode: 'INTERNAL' as const },
        ],
      },
    ]) {
      const input = { domainId: before.domainId, ...fields };
      const error = await refusal(server, MutationsCreateDocument, { input });

      expect(error).toMatchObject({ code: 'BAD_USER_INPUT', libvirt: undefined });
    }
    expect(await list('create-both')).toEqual(before);
  });

  it('refuses a name the domain already has with NAME_TAKEN', async () => {
    const before = await list('create-taken');

    for (const input of [
      { domainId: before.domainId, name: 'a' },
      { domainId: before.domainId, name: 'b', description: 'again' },
      { domainId: before.domainId, xml: '<domainsnapshot><name>a</name></domainsnapshot>' },
    ]) {
      const error = await refusal(server, MutationsCreateDocument, { input });

      expect(error).toMatchObject({ code: 'CONFLICT', reason: 'NAME_TAKEN', libvirt: undefined });
    }
    expect(await list('create-taken')).toEqual(before);
  });

  // The test driver takes no disk-only snapshot and keeps metadata always: libvirt's flag check
  // refuses both flags as invalid arguments.
  it('refuses flags the driver cannot combine as bad input, with libvirt’s error', async () => {
    const before = await list('create-flags');

    const error = await refusal(server, MutationsCreateDocument, {
      input: { domainId: before.domainId, name: 'x', diskOnly: true, noMetadata: true },
    });

    expect(error).toMatchObject({
      code: 'BAD_USER_INPUT',
      libvirt: {
        code: ErrorNumber.INVALID_ARG,
        domain: ErrorDomain.TEST,
        message: 'unsupported flags (0x14) in function testDomainSnapshotCreateXML',
      },
    });
    expect(await list('create-flags')).toEqual(before);
  });

  it('lets libvirt name a snapshot given no name: the epoch time', async () => {
    const before = await list('create-unnamed');
    const start = Math.floor(Date.now() / 1000);

    const payload = await create({ domainId: before.domainId });

    const name = payload.snapshot?.name ?? '';
    expect(name).toMatch(/^\d+$/);
    expect(Number(name)).toBeGreaterThanOrEqual(start);
    expect(Number(name)).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000));
    expect(payload.snapshot?.creationTime).toBe(
      new Date(Number(name) * 1000).toISOString().replace('.000Z', 'Z'),
    );
    expect(payload.domain).toEqual(payloadDomain(before, name));
    expect(await list('create-unnamed')).toMatchObject({
      current: name,
      parents: { [name]: null },
    });
  });
});

describe('redefineSnapshot', () => {
  it('brings back a deleted snapshot from its XML, current only when asked', async () => {
    const before = await list('redefine');
    const xml = await xmlOf('redefine', 'c');
    await remove({ snapshotId: before.ids.c as string });
    const deleted = await list('redefine');
    expect(deleted).toMatchObject({ current: 'b', parents: { a: null, b: 'a' } });

    const plain = await redefine({ domainId: before.domainId, xml });

    expect(plain.snapshot).toMatchObject({ name: 'c', parent: { name: 'b' }, isCurrent: false });
    expect(plain.snapshot.xml).toBe(xml);
    expect(plain.domain).toEqual(payloadDomain(before, 'b'));
    expect(await list('redefine')).toEqual({ ...before, current: 'b' });

    const current = await redefine({ domainId: before.domainId, xml, current: true });

    expect(current.snapshot).toMatchObject({ name: 'c', isCurrent: true });
    expect(current.domain).toEqual(payloadDomain(before, 'c'));
    expect(await list('redefine')).toEqual(before);
  });

  it('refuses a child whose parent is not defined: redefinition follows tree order', async () => {
    const before = await list('redefine-order');
    const [b, c] = [await xmlOf('redefine-order', 'b'), await xmlOf('redefine-order', 'c')];
    await remove({ snapshotId: before.ids.b as string, scope: 'SNAPSHOT_AND_DESCENDANTS' });
    const pruned = await list('redefine-order');
    expect(pruned).toMatchObject({ current: 'a', parents: { a: null } });

    const error = await refusal(server, MutationsRedefineDocument, {
      input: { domainId: before.domainId, xml: c, current: true },
    });

    expect(error).toMatchObject({
      code: 'BAD_USER_INPUT',
      libvirt: {
        code: ErrorNumber.INVALID_ARG,
        domain: FROM_DOMAIN,
        message: 'invalid argument: parent b for moment c not found',
      },
    });
    expect(await list('redefine-order')).toEqual(pruned);

    await redefine({ domainId: before.domainId, xml: b });
    await redefine({ domainId: before.domainId, xml: c, current: true });

    expect(await list('redefine-order')).toEqual(before);
  });
});

describe('revertToSnapshot', () => {
  it('makes the snapshot current and answers with it and its domain', async () => {
    const before = await list('revert');

    const payload = await revert({ snapshotId: before.ids.a as string });

    expect(payload.snapshot).toMatchObject({ id: before.ids.a, name: 'a', isCurrent: true });
    expect(payload.domain).toEqual(payloadDomain(before, 'a'));
    expect(await list('revert')).toEqual({ ...before, current: 'a' });
  });

  it('leaves the domain paused with targetState PAUSED', async () => {
    const before = await list('revert-paused');

    const payload = await revert({ snapshotId: before.ids.a as string, targetState: 'PAUSED' });

    expect(payload.domain).toMatchObject({ state: 'PAUSED', currentSnapshot: { name: 'a' } });
    expect(await list('revert-paused')).toEqual({ ...before, state: 'PAUSED', current: 'a' });
  });
});

describe('deleteSnapshot', () => {
  it('re-parents the children of a deleted snapshot to its parent', async () => {
    const before = await branch('delete-one');

    const payload = await remove({ snapshotId: before.ids.b as string });

    expect(payload.deletedSnapshotNames).toEqual(['b']);
    expect(payload.deletedSnapshotIds).toEqual([before.ids.b]);
    expect(payload.domain).toEqual(payloadDomain(before, 'd'));
    const after = await list('delete-one');
    expect(after).toMatchObject({ current: 'd', parents: { a: null, c: 'a', d: 'a' } });
    expect(after.ids).toEqual({ a: before.ids.a, c: before.ids.c, d: before.ids.d });
  });

  it('makes the parent current when the current snapshot is deleted', async () => {
    const before = await list('delete-current');

    const payload = await remove({ snapshotId: before.ids.c as string, scope: 'SNAPSHOT' });

    expect(payload.deletedSnapshotNames).toEqual(['c']);
    expect(payload.domain.currentSnapshot).toEqual({ name: 'b' });
    expect(await list('delete-current')).toMatchObject({
      current: 'b',
      parents: { a: null, b: 'a' },
    });

    await remove({ snapshotId: before.ids.a as string });

    expect(await list('delete-current')).toMatchObject({ current: 'b', parents: { b: null } });
  });

  it('deletes a snapshot and its descendants with SNAPSHOT_AND_DESCENDANTS', async () => {
    const before = await branch('delete-subtree');

    const payload = await remove({
      snapshotId: before.ids.b as string,
      scope: 'SNAPSHOT_AND_DESCENDANTS',
    });

    expect(payload.deletedSnapshotNames).toEqual(['b', 'c', 'd']);
    expect(payload.deletedSnapshotIds).toEqual([before.ids.b, before.ids.c, before.ids.d]);
    // The current snapshot was among them: its nearest surviving ancestor takes over.
    expect(payload.domain).toEqual(payloadDomain(before, 'a'));
    expect(await list('delete-subtree')).toEqual({
      ...before,
      current: 'a',
      parents: { a: null },
      ids: { a: before.ids.a },
    });
  });

  it('deletes only the descendants with DESCENDANTS_ONLY', async () => {
    const before = await branch('delete-descendants');

    const payload = await remove({ snapshotId: before.ids.b as string, scope: 'DESCENDANTS_ONLY' });

    expect(payload.deletedSnapshotNames).toEqual(['c', 'd']);
    expect(payload.deletedSnapshotIds).toEqual([before.ids.c, before.ids.d]);
    // The current snapshot was a descendant: the snapshot whose descendants went takes over.
    expect(payload.domain).toEqual(payloadDomain(before, 'b'));
    expect(await list('delete-descendants')).toEqual({
      ...before,
      current: 'b',
      parents: { a: null, b: 'a' },
      ids: { a: before.ids.a, b: before.ids.b },
    });
  });
});

describe('snapshot and domain IDs', () => {
  it('refuses an ID that is no ID of this server, or of another type, as bad input', async () => {
    const before = await list('ids');
    const snapshotId = before.ids.a as string;
    const garbage = [
      'garbage',
      '',
      '!!!',
      Buffer.from('Snapshot:not json').toString('base64url'),
      Buffer.from('Host:["x"]').toString('base64url'),
    ];

    for (const domainId of [...garbage, snapshotId]) {
      const creating = await refusal(server, MutationsCreateDocument, {
        input: { domainId, name: 'x' },
      });
      const redefining = await refusal(server, MutationsRedefineDocument, {
        input: { domainId, xml: '<domainsnapshot/>' },
      });

      expect(creating.code).toBe('BAD_USER_INPUT');
      expect(redefining.code).toBe('BAD_USER_INPUT');
    }
    for (const id of [...garbage, before.domainId]) {
      expect(
        (await refusal(server, MutationsRevertDocument, { input: { snapshotId: id } })).code,
      ).toBe('BAD_USER_INPUT');
      expect(
        (await refusal(server, MutationsDeleteDocument, { input: { snapshotId: id } })).code,
      ).toBe('BAD_USER_INPUT');
    }
    expect(await list('ids')).toEqual(before);
  });

  it('answers NOT_FOUND for a well-formed ID of a snapshot or domain that is gone', async () => {
    const { domainId } = await list('ids');
    const gone = await create({ domainId, name: 'gone' });
    await remove({ snapshotId: gone.snapshot?.id as string });
    const before = await list('ids');
    const goneDomainId = encodeGlobalID('Domain', encodeKey([fixture.uri, randomUUID()]));
    const onGoneDomain = encodeGlobalID('Snapshot', encodeKey([fixture.uri, randomUUID(), 'a']));

    for (const snapshotId of [gone.snapshot?.id as string, onGoneDomain]) {
      const reverting = await refusal(server, MutationsRevertDocument, { input: { snapshotId } });
      const deleting = await refusal(server, MutationsDeleteDocument, { input: { snapshotId } });

      expect(reverting.code).toBe('NOT_FOUND');
      expect(deleting.code).toBe('NOT_FOUND');
    }
    const creating = await refusal(server, MutationsCreateDocument, {
      input: { domainId: goneDomainId, name: 'x' },
    });
    const redefining = await refusal(server, MutationsRedefineDocument, {
      input: { domainId: goneDomainId, xml: await xmlOf('ids', 'a') },
    });
    expect(creating.code).toBe('NOT_FOUND');
    expect(redefining.code).toBe('NOT_FOUND');
    expect(await list('ids')).toEqual(before);
  });
});

describe('the domain lock', () => {
  // The test driver answers in microseconds, too fast to send a second mutation while the first
  // runs (the QEMU tests do that with a slow snapshot): here the test holds the domain's lock
  // itself, as a running mutation does.
  it('refuses every mutation of a busy domain at once with DOMAIN_BUSY', async () => {
    const before = await list('busy');
    const xml = await xmlOf('busy', 'a');
    const host = server.hosts.byName(fixture.uri);
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const holding = host?.withDomainLock(before.uuid, () => held);

    try {
      const refusals = await Promise.all([
        refusal(server, MutationsCreateDocument, { input: { domainId: before.domainId } }),
        refusal(server, MutationsRedefineDocument, { input: { domainId: before.domainId, xml } }),
        refusal(server, MutationsRevertDocument, { input: { snapshotId: before.ids.a as string } }),
        refusal(server, MutationsDeleteDocument, { input: { snapshotId: before.ids.a as string } }),
      ]);
      const other = await list('bystander');
      const elsewhere = await create({ domainId: other.domainId, name: 'meanwhile' });

      for (const error of refusals) {
        expect(error).toMatchObject({ code: 'CONFLICT', reason: 'DOMAIN_BUSY' });
      }
      expect(elsewhere.snapshot?.name).toBe('meanwhile');
      expect(await list('busy')).toEqual(before);
    } finally {
      release();
      await holding;
    }

    const payload = await create({ domainId: before.domainId, name: 'after' });
    expect(payload.snapshot?.parent).toEqual({ name: 'a' });
  });
});

describe('a read-only host', () => {
  let readOnlyFixture: TestDriverFixture;
  let readOnly: TestServer;

  beforeAll(async () => {
    readOnlyFixture = testDriverFixture([{ name: 'read-only', snapshots: chain(['a', 'b']) }]);
    readOnly = await startTestServer({ readOnlyUris: [readOnlyFixture.uri] });
  });

  afterAll(async () => {
    await readOnly?.stop();
    readOnlyFixture?.dispose();
  });

  it('refuses every mutation with FORBIDDEN and changes nothing', async () => {
    const before = await listDomain(readOnly, 'read-only');
    const data = await readOnly.data(MutationsSnapshotDocument, { domain: 'read-only', name: 'a' });
    const xml = data.domain?.snapshot?.xml as string;
    const { domainId } = before;
    const snapshotId = before.ids.a as string;

    const refusals = [
      await refusal(readOnly, MutationsCreateDocument, { input: { domainId, name: 'new' } }),
      await refusal(readOnly, MutationsCreateDocument, { input: { domainId, name: 'a' } }),
      await refusal(readOnly, MutationsCreateDocument, { input: { domainId } }),
      await refusal(readOnly, MutationsRedefineDocument, { input: { domainId, xml } }),
      await refusal(readOnly, MutationsRedefineDocument, {
        input: { domainId, xml, current: true },
      }),
      await refusal(readOnly, MutationsRevertDocument, { input: { snapshotId } }),
      await refusal(readOnly, MutationsDeleteDocument, { input: { snapshotId } }),
      await refusal(readOnly, MutationsDeleteDocument, {
        input: { snapshotId, scope: 'SNAPSHOT_AND_DESCENDANTS' },
      }),
      await refusal(readOnly, MutationsDeleteDocument, {
        input: { snapshotId, scope: 'DESCENDANTS_ONLY', metadataOnly: true },
      }),
    ];

    for (const error of refusals) {
      expect(error.code).toBe('FORBIDDEN');
    }
    expect(await listDomain(readOnly, 'read-only')).toEqual(before);
  });
});
