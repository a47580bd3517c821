import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { SnapshotEvent } from '../../src/events/index.ts';
import { type Domain, Libvirt } from '../../src/ffi/index.ts';
import { startTestServer, type TestServer } from '../support/graphql-server.ts';
import {
  EventsCreateDocument,
  EventsDeleteDocument,
  EventsDomainDocument,
  EventsRevertDocument,
} from './snapshot-events.generated.ts';

// test:///default is one driver per process: the server and a second connection of the
// test's own see the same domain, so the second one plays virsh.
const URI = 'test:///default';

let server: TestServer;
let libvirt: Libvirt;
let outside: Domain;
let seen = 0;

function newEvents(): Array<Pick<SnapshotEvent, 'type' | 'origin' | 'snapshotName'>> {
  const all = server.hosts.events.snapshots.entries();
  const fresh = all.slice(seen);
  seen = all.length;

  return fresh.map(({ type, origin, snapshotName }) => ({ type, origin, snapshotName }));
}

async function snapshotIds(): Promise<{ domainId: string; ids: Map<string, string> }> {
  const data = await server.data(EventsDomainDocument, { name: 'test' });
  const domain = data.domain;
  if (domain === null || domain === undefined) {
    throw new Error('the test domain is missing');
  }

  return {
    domainId: domain.id,
    ids: new Map(domain.snapshots.nodes.map((node) => [node.name, node.id])),
  };
}

async function create(name: string): Promise<void> {
  const { domainId } = await snapshotIds();
  await server.data(EventsCreateDocument, { domainId, name });
}

beforeAll(async () => {
  server = await startTestServer({ uris: [URI], watchIntervalMs: 60_000 });
  libvirt = await Libvirt.start({ callThreads: 1 });
  const connection = await libvirt.open(URI);
  outside = await connection.lookupDomainByName('test');
});

afterAll(async () => {
  await outside.free();
  await libvirt.close();
  await server.stop();
});

beforeEach(() => {
  newEvents();
});

afterEach(async () => {
  for (const snapshot of await outside.listAllSnapshots()) {
    await snapshot.delete().catch(() => undefined);
    await snapshot.free();
  }
  await server.hosts.watchNow();
  newEvents();
});

describe('snapshot events of the server’s own mutations', () => {
  it('sends one CREATED per create, and nothing again as EXTERNAL', async () => {
    await create('a');
    await server.hosts.watchNow();

    expect(newEvents()).toEqual([{ type: 'CREATED', origin: 'API', snapshotName: 'a' }]);
  });

  it('sends REVERTED for the snapshot reverted to, and nothing for the one left', async () => {
    await create('a');
    await create('b');
    newEvents();
    const { ids } = await snapshotIds();
    await server.data(EventsRevertDocument, { snapshotId: ids.get('a') as string });
    await server.hosts.watchNow();

    expect(newEvents()).toEqual([{ type: 'REVERTED', origin: 'API', snapshotName: 'a' }]);
  });

  it('sends one DELETED per snapshot a delete with descendants removes', async () => {
    await create('a');
    await create('b');
    await create('c');
    newEvents();
    const { ids } = await snapshotIds();
    await server.data(EventsDeleteDocument, {
      snapshotId: ids.get('a') as string,
      scope: 'SNAPSHOT_AND_DESCENDANTS',
    });
    await server.hosts.watchNow();

    const events = newEvents();
    expect(events).toHaveLength(3);
    expect(events.map((event) => event.snapshotName).sort()).toEqual(['a', 'b', 'c']);
    expect(events.every((event) => event.type === 'DELETED' && event.origin === 'API')).toBe(true);
  });

  it('sends UPDATED to the re-parented child and the parent made current', async () => {
    await create('a');
    await create('b');
    const { ids } = await snapshotIds();
    await server.data(EventsRevertDocument, { snapshotId: ids.get('a') as string });
    await create('c');
    newEvents();
    // a{b, c}, c current: deleting c makes a current; deleting a then re-parents b.
    const after = await snapshotIds();
    await server.data(EventsDeleteDocument, { snapshotId: after.ids.get('c') as string });

    expect(newEvents()).toEqual([
      { type: 'DELETED', origin: 'API', snapshotName: 'c' },
      { type: 'UPDATED', origin: 'API', snapshotName: 'a' },
    ]);

    await server.data(EventsDeleteDocument, { snapshotId: after.ids.get('a') as string });

    expect(newEvents()).toEqual([
      { type: 'DELETED', origin: 'API', snapshotName: 'a' },
      { type: 'UPDATED', origin: 'API', snapshotName: 'b' },
    ]);
  });
});

describe('snapshot events of changes made elsewhere', () => {
  it('sends CREATED, REVERTED and DELETED as EXTERNAL once the watcher looks', async () => {
    const a = await outside.snapshotCreateXML('<domainsnapshot><name>x1</name></domainsnapshot>');
    await server.hosts.watchNow();
    expect(newEvents()).toEqual([{ type: 'CREATED', origin: 'EXTERNAL', snapshotName: 'x1' }]);

    const b = await outside.snapshotCreateXML('<domainsnapshot><name>x2</name></domainsnapshot>');
    await a.revert();
    await server.hosts.watchNow();
    expect(newEvents()).toEqual([{ type: 'CREATED', origin: 'EXTERNAL', snapshotName: 'x2' }]);

    await b.delete();
    await server.hosts.watchNow();
    expect(newEvents()).toEqual([{ type: 'DELETED', origin: 'EXTERNAL', snapshotName: 'x2' }]);

    await a.free();
    await b.free();
  });

  it('sends a revert made elsewhere as REVERTED', async () => {
    const a = await outside.snapshotCreateXML('<domainsnapshot><name>x1</name></domainsnapshot>');
    const b = await outside.snapshotCreateXML('<domainsnapshot><name>x2</name></domainsnapshot>');
    await server.hosts.watchNow();
    newEvents();

    await a.revert();
    await server.hosts.watchNow();

    expect(newEvents()).toEqual([{ type: 'REVERTED', origin: 'EXTERNAL', snapshotName: 'x1' }]);
    await a.free();
    await b.free();
  });

  it('reports what changed elsewhere before the change a mutation makes', async () => {
    const a = await outside.snapshotCreateXML('<domainsnapshot><name>x1</name></domainsnapshot>');
    await create('mine');

    expect(newEvents()).toEqual([
      { type: 'CREATED', origin: 'EXTERNAL', snapshotName: 'x1' },
      { type: 'CREATED', origin: 'API', snapshotName: 'mine' },
    ]);
    await a.free();
  });

  it('reads the XML of new snapshots only, not of every snapshot, when it sees a change', async () => {
    const handles = [];
    for (let index = 0; index < 30; index++) {
      handles.push(
        await outside.snapshotCreateXML(
          `<domainsnapshot><name>many-${index}</name></domainsnapshot>`,
        ),
      );
    }
    await server.hosts.watchNow();
    newEvents();
    handles.push(
      await outside.snapshotCreateXML('<domainsnapshot><name>one-more</name></domainsnapshot>'),
    );

    const before = await server.hosts.libvirtCallCounts();
    await server.hosts.watchNow();
    const after = await server.hosts.libvirtCallCounts();
    const xmlReads =
      (after.virDomainSnapshotGetXMLDesc ?? 0) - (before.virDomainSnapshotGetXMLDesc ?? 0);

    expect(newEvents()).toEqual([
      { type: 'CREATED', origin: 'EXTERNAL', snapshotName: 'one-more' },
    ]);
    expect(xmlReads).toBe(1);
    await Promise.all(handles.map((handle) => handle.free()));
  });
});
