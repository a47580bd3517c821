import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type Connection,
  type Domain,
  DomainState,
  DomainXMLFlags,
  ErrorNumber,
  formatVersion,
  HandleFreedError,
  type Libvirt,
  SnapshotCreateFlags,
  SnapshotDeleteFlags,
  SnapshotListFlags,
  SnapshotRevertFlags,
  SnapshotXMLFlags,
} from '../../src/ffi/index.ts';
import { freeAll, libvirtError, snapshotNames, startBinding } from '../support/binding.ts';
import { chain, type TestDriverFixture, testDriverFixture } from '../support/test-driver.ts';

const UUID = '4e1c5d0a-6a3b-4f7e-9a51-2d9f6c3b8e10';

let libvirt: Libvirt;

beforeAll(async () => {
  libvirt = await startBinding();
});

afterAll(async () => {
  await libvirt.close();
});

// A fresh private driver per test: r{a{a1}, b}, a1 current.
let fixture: TestDriverFixture;
let connection: Connection;
let domain: Domain;

beforeEach(async () => {
  fixture = testDriverFixture([
    {
      name: 'vm1',
      uuid: UUID,
      snapshots: [
        ...chain(['r', 'a', 'a1']),
        { name: 'b', parent: 'r', creationTime: 1_700_000_010, description: 'branch b' },
      ],
    },
  ]);
  connection = await libvirt.open(fixture.uri);
  domain = await connection.lookupDomainByName('vm1');
});

afterEach(async () => {
  await domain.free();
  await connection.close();
  fixture.dispose();
});

async function names(snapshots: Array<{ name(): Promise<string>; free(): Promise<void> }>) {
  const result = await Promise.all(snapshots.map((snapshot) => snapshot.name()));
  await Promise.all(snapshots.map((snapshot) => snapshot.free()));

  return result;
}

describe('Connection', () => {
  it('reports the driver, versions, host name and URI', async () => {
    expect(await connection.type()).toBe('TEST');
    expect(formatVersion(await connection.libVersion())).toMatch(/^\d+\.\d+\.\d+$/);
    expect(await connection.hypervisorVersion()).toBeGreaterThan(0);
    expect(await connection.hostname()).not.toBe('');
    expect(await connection.uri()).toBe(fixture.uri);
    expect(await connection.isAlive()).toBe(true);
  });

  it('lists and looks up domains by name and UUID', async () => {
    const domains = await connection.listAllDomains();
    expect(await names(domains)).toEqual(['vm1']);

    const byUuid = await connection.lookupDomainByUUID(UUID);
    expect(await byUuid.name()).toBe('vm1');
    await byUuid.free();

    const missing = await libvirtError(() => connection.lookupDomainByName('nope'));
    expect(missing.code).toBe(ErrorNumber.NO_DOMAIN);
  });

  it('reads a domain’s name, UUID, state, persistence and XML', async () => {
    expect(await domain.name()).toBe('vm1');
    expect(await domain.uuid()).toBe(UUID);
    expect((await domain.state()).state).toBe(DomainState.RUNNING);
    expect(await domain.isActive()).toBe(true);
    expect(await domain.isPersistent()).toBe(true);
    expect(await domain.xmlDesc(DomainXMLFlags.INACTIVE)).toContain('<name>vm1</name>');
  });

  it('reports keep-alive as unsupported by the test driver', async () => {
    const error = await libvirtError(() => connection.setKeepAlive(5, 3));
    expect(error.code).toBe(ErrorNumber.NO_SUPPORT);
    expect(error.func).toBe('virConnectSetKeepAlive');
  });

  it('registers and removes a close callback', async () => {
    const stop = await connection.onClose(() => undefined);
    stop();
  });

  it('refuses changes on a read-only connection', async () => {
    const readOnly = await libvirt.open(fixture.uri, { readOnly: true });
    const readOnlyDomain = await readOnly.lookupDomainByName('vm1');
    const before = await snapshotNames(readOnlyDomain);

    const error = await libvirtError(() =>
      readOnlyDomain.snapshotCreateXML('<domainsnapshot><name>z</name></domainsnapshot>'),
    );
    expect(error.code).toBe(ErrorNumber.OPERATION_DENIED);
    expect(await snapshotNames(readOnlyDomain)).toEqual(before);

    await readOnlyDomain.free();
    await readOnly.close();
  });
});

describe('reading the snapshot tree', () => {
  it('counts and names the snapshots', async () => {
    expect(await domain.snapshotNum()).toBe(4);
    expect(await snapshotNames(domain)).toEqual(['a', 'a1', 'b', 'r']);
    const topological = await domain.snapshotListNames(SnapshotListFlags.TOPOLOGICAL);
    expect(topological.indexOf('r')).toBe(0);
    expect(topological.indexOf('a')).toBeLessThan(topological.indexOf('a1'));
  });

  it('lists every snapshot with parents before children in TOPOLOGICAL order', async () => {
    const all = await domain.listAllSnapshots(SnapshotListFlags.TOPOLOGICAL);
    const order = await names(all);

    expect(order).toHaveLength(4);
    expect(order.indexOf('r')).toBeLessThan(order.indexOf('a'));
    expect(order.indexOf('a')).toBeLessThan(order.indexOf('a1'));
    expect(order.indexOf('r')).toBeLessThan(order.indexOf('b'));
  });

  it('filters roots, leaves and non-leaves', async () => {
    const list = async (flags: number) =>
      (await names(await domain.listAllSnapshots(flags))).sort();

    expect(await list(SnapshotListFlags.ROOTS)).toEqual(['r']);
    expect(await list(SnapshotListFlags.LEAVES)).toEqual(['a1', 'b']);
    expect(await list(SnapshotListFlags.NO_LEAVES)).toEqual(['a', 'r']);
    expect(await list(SnapshotListFlags.METADATA)).toEqual(['a', 'a1', 'b', 'r']);
    expect(await list(SnapshotListFlags.NO_METADATA)).toEqual([]);
    expect(await list(SnapshotListFlags.ACTIVE)).toEqual(['a', 'a1', 'b', 'r']);
    expect(await list(SnapshotListFlags.INACTIVE)).toEqual([]);
    expect(await domain.snapshotNum(SnapshotListFlags.LEAVES)).toBe(2);
  });

  it('finds the current snapshot', async () => {
    expect(await domain.hasCurrentSnapshot()).toBe(true);

    const current = await domain.currentSnapshot();
    expect(await current.name()).toBe('a1');
    expect(await current.isCurrent()).toBe(true);
    expect(await current.hasMetadata()).toBe(true);
    await current.free();
  });

  it('walks from a snapshot to its parent, children and descendants', async () => {
    const root = await domain.snapshotLookupByName('r');
    const a1 = await domain.snapshotLookupByName('a1');

    const parent = await a1.parent();
    expect(await parent.name()).toBe('a');
    expect((await names(await root.listAllChildren())).sort()).toEqual(['a', 'b']);
    expect((await names(await root.listAllChildren(SnapshotListFlags.DESCENDANTS))).sort()).toEqual(
      ['a', 'a1', 'b'],
    );
    expect((await root.listChildrenNames()).sort()).toEqual(['a', 'b']);
    expect(await root.numChildren()).toBe(2);
    expect(await root.numChildren(SnapshotListFlags.DESCENDANTS)).toBe(3);
    expect(await a1.numChildren()).toBe(0);

    const noParent = await libvirtError(() => root.parent());
    expect(noParent.code).toBe(ErrorNumber.NO_DOMAIN_SNAPSHOT);

    await freeAll([root, a1, parent]);
  });

  it('gives the snapshot’s XML, its domain and its connection', async () => {
    const b = await domain.snapshotLookupByName('b');

    const xml = await b.xmlDesc();
    expect(xml).toContain('<name>b</name>');
    expect(xml).toContain('<description>branch b</description>');
    expect(xml).toContain('<name>r</name>');

    const owner = await b.domain();
    expect(await owner.uuid()).toBe(UUID);
    const ownerConnection = await b.connection();
    expect(await ownerConnection.type()).toBe('TEST');

    await owner.free();
    await ownerConnection.close();
    expect(await connection.isAlive()).toBe(true);
    await b.free();
  });
});

describe('changing the snapshot tree', () => {
  it('creates a snapshot as a child of the current one and makes it current', async () => {
    const created = await domain.snapshotCreateXML(
      '<domainsnapshot><name>new</name><description>d</description></domainsnapshot>',
    );

    expect(await created.name()).toBe('new');
    expect(await created.isCurrent()).toBe(true);
    const parent = await created.parent();
    expect(await parent.name()).toBe('a1');
    expect(await snapshotNames(domain)).toEqual(['a', 'a1', 'b', 'new', 'r']);

    await freeAll([created, parent]);
  });

  it('re-parents the children of a deleted snapshot', async () => {
    const a = await domain.snapshotLookupByName('a');
    await a.delete();
    await a.free();

    const a1 = await domain.snapshotLookupByName('a1');
    const parent = await a1.parent();
    expect(await parent.name()).toBe('r');
    expect(await snapshotNames(domain)).toEqual(['a1', 'b', 'r']);
    await freeAll([a1, parent]);
  });

  it('deletes a snapshot with its descendants, or only its descendants', async () => {
    const a = await domain.snapshotLookupByName('a');
    await a.delete(SnapshotDeleteFlags.CHILDREN);
    await a.free();
    expect(await snapshotNames(domain)).toEqual(['b', 'r']);

    const r = await domain.snapshotLookupByName('r');
    await r.delete(SnapshotDeleteFlags.CHILDREN_ONLY);
    await r.free();
    expect(await snapshotNames(domain)).toEqual(['r']);
  });

  it('reports METADATA_ONLY as a flag the test driver does not take', async () => {
    const b = await domain.snapshotLookupByName('b');

    const error = await libvirtError(() => b.delete(SnapshotDeleteFlags.METADATA_ONLY));
    expect(error.code).toBe(ErrorNumber.INVALID_ARG);
    expect(await snapshotNames(domain)).toEqual(['a', 'a1', 'b', 'r']);
    await b.free();
  });

  it('redefines a deleted snapshot from its XML and makes it current', async () => {
    const b = await domain.snapshotLookupByName('b');
    const xml = await b.xmlDesc(SnapshotXMLFlags.SECURE);
    await b.delete();
    await b.free();

    const redefined = await domain.snapshotCreateXML(
      xml,
      SnapshotCreateFlags.REDEFINE | SnapshotCreateFlags.CURRENT,
    );
    const parent = await redefined.parent();

    expect(await redefined.name()).toBe('b');
    expect(await parent.name()).toBe('r');
    expect(await redefined.isCurrent()).toBe(true);
    expect(await snapshotNames(domain)).toEqual(['a', 'a1', 'b', 'r']);
    await freeAll([redefined, parent]);
  });

  it('reverts to a snapshot and makes it current', async () => {
    const b = await domain.snapshotLookupByName('b');
    await b.revert(SnapshotRevertFlags.RUNNING);

    expect(await b.isCurrent()).toBe(true);
    expect((await domain.state()).state).toBe(DomainState.RUNNING);
    await b.free();
  });
});

describe('bad calls', () => {
  const cases: Array<[string, number[], (domain: Domain) => Promise<unknown>]> = [
    [
      'an unknown snapshot name',
      [ErrorNumber.NO_DOMAIN_SNAPSHOT],
      (d) => d.snapshotLookupByName('missing'),
    ],
    [
      'XML that does not parse',
      [ErrorNumber.XML_DETAIL, ErrorNumber.XML_ERROR],
      (d) => d.snapshotCreateXML('<domainsnapshot><name>x</name>'),
    ],
    [
      'a document that is no snapshot',
      [ErrorNumber.XML_ERROR],
      (d) => d.snapshotCreateXML('<domain/>'),
    ],
    [
      'XML that fails validation',
      [ErrorNumber.XML_INVALID_SCHEMA],
      (d) =>
        d.snapshotCreateXML(
          '<domainsnapshot><name>x</name><bogus/></domainsnapshot>',
          SnapshotCreateFlags.VALIDATE,
        ),
    ],
    [
      'REDEFINE with NO_METADATA',
      [ErrorNumber.INVALID_ARG],
      (d) =>
        d.snapshotCreateXML(
          '<domainsnapshot><name>x</name></domainsnapshot>',
          SnapshotCreateFlags.REDEFINE | SnapshotCreateFlags.NO_METADATA,
        ),
    ],
    [
      'DELETE_CHILDREN with DELETE_CHILDREN_ONLY',
      [ErrorNumber.INVALID_ARG],
      async (d) => {
        const root = await d.snapshotLookupByName('r');
        try {
          await root.delete(SnapshotDeleteFlags.CHILDREN | SnapshotDeleteFlags.CHILDREN_ONLY);
        } finally {
          await root.free();
        }
      },
    ],
    [
      'REVERT_RUNNING with REVERT_PAUSED',
      [ErrorNumber.INVALID_ARG],
      async (d) => {
        const root = await d.snapshotLookupByName('r');
        try {
          await root.revert(SnapshotRevertFlags.RUNNING | SnapshotRevertFlags.PAUSED);
        } finally {
          await root.free();
        }
      },
    ],
  ];

  it.each(cases)('rejects %s with libvirt’s code and changes nothing', async (_, codes, call) => {
    const before = await domain.snapshotListNames(SnapshotListFlags.TOPOLOGICAL);
    const current = await domain.currentSnapshot();
    const currentName = await current.name();
    await current.free();

    const error = await libvirtError(() => call(domain));

    expect(codes).toContain(error.code);
    expect(error.message).not.toBe('');
    expect(error.domain).toBeGreaterThan(0);
    expect(await domain.snapshotListNames(SnapshotListFlags.TOPOLOGICAL)).toEqual(before);
    const after = await domain.currentSnapshot();
    expect(await after.name()).toBe(currentName);
    await after.free();
  });
});

describe('a listing of every snapshot with its XML', () => {
  it('reads each snapshot of a tree too big for one part once, and frees every handle', async () => {
    const many = Array.from({ length: 230 }, (_, index) => `s${index}`);
    const big = testDriverFixture([{ name: 'big', snapshots: chain(many) }]);
    const bigConnection = await libvirt.open(big.uri);
    const bigDomain = await bigConnection.lookupDomainByName('big');
    try {
      const before = await libvirt.callCounts();
      const listing = await bigDomain.snapshotListing();
      const after = await libvirt.callCounts();
      const called = (name: string) => (after[name] ?? 0) - (before[name] ?? 0);

      expect(listing.snapshots.map((snapshot) => snapshot.name).sort()).toEqual([...many].sort());
      for (const { name, xml } of listing.snapshots) {
        expect(xml).toContain(`<name>${name}</name>`);
      }
      expect(listing.current).toBe('s229');
      expect(called('virDomainListAllSnapshots')).toBe(1);
      expect(called('virDomainSnapshotGetXMLDesc')).toBe(230);
      // Every listed handle and the current one's, each freed once.
      expect(called('virDomainSnapshotFree')).toBe(231);
    } finally {
      await bigDomain.free();
      await bigConnection.close();
      big.dispose();
    }
  });
});

describe('handles', () => {
  it('frees a snapshot once, however often free is called', async () => {
    const b = await domain.snapshotLookupByName('b');
    await b.free();
    await b.free();

    expect(b.alive).toBe(false);
  });

  it('refuses a handle after it was freed', async () => {
    const b = await domain.snapshotLookupByName('b');
    await b.free();

    expect(() => b.name()).toThrow(HandleFreedError);
  });

  it('keeps a referenced snapshot usable after the first handle is freed', async () => {
    const b = await domain.snapshotLookupByName('b');
    const second = await b.ref();
    await b.free();

    expect(await second.name()).toBe('b');
    await second.free();
  });
});
