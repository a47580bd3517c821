import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { DomainEvent, SnapshotEvent } from '../../../src/events/index.ts';
import { encodeGlobalID } from '../../../src/resolvers/builder.ts';
import { encodeKey } from '../../../src/resolvers/ids.ts';
import { startTestServer, type TestServer } from '../../support/graphql-server.ts';
import {
  type Subscriber,
  sseSubscribe,
  until,
  type WsClient,
  wsClient,
} from '../../support/subscription-clients.ts';
import { chain, type TestDriverFixture, testDriverFixture } from '../../support/test-driver.ts';
import {
  TransportCreateSnapshotDocument,
  TransportDomainEventsDocument,
  TransportHostsDocument,
  TransportNodeDocument,
  TransportSnapshotEventsDocument,
  type TransportSnapshotEventsSubscription,
  type TransportSnapshotEventsSubscriptionVariables,
} from './transport.generated.ts';

/**
 * Subscriptions over both transports of `/graphql`: graphql-ws (graphql-transport-ws) and
 * Server-Sent Events. Most events here are appended to the logs directly, so that each test
 * decides exactly what is published; the domains and snapshots they name are real ones of
 * test-driver fixtures, against which the events are resolved.
 */

type SnapshotEventFields = TransportSnapshotEventsSubscription['snapshotEvents'];

interface KnownDomain {
  id: string;
  uuid: string;
  name: string;
  hostId: string;
  hostName: string;
  snapshotIds: Record<string, string>;
}

// One instant with whole seconds, as DateTime prints it.
const OCCURRED_AT = new Date('2026-12-03T16:04:33Z');

let first: TestDriverFixture;
let second: TestDriverFixture;
let server: TestServer;
let domains: Record<string, KnownDomain>;
const clients: WsClient[] = [];
const subscribers: Array<Subscriber<unknown>> = [];

beforeAll(async () => {
  first = testDriverFixture([
    { name: 'vm-a', snapshots: chain(['a1', 'a2']) },
    { name: 'vm-b', snapshots: chain(['b1']) },
    { name: 'vm-fresh' },
  ]);
  second = testDriverFixture([{ name: 'vm-c', snapshots: chain(['c1']) }]);
  server = await startTestServer({ uris: [first.uri, second.uri] });
  const data = await server.data(TransportHostsDocument);
  domains = Object.fromEntries(
    data.hosts.flatMap((host) =>
      host.domains.map((domain) => [
        domain.name,
        {
          id: domain.id,
          uuid: domain.uuid,
          name: domain.name,
          hostId: host.id,
          hostName: host.name,
          snapshotIds: Object.fromEntries(domain.snapshots.nodes.map((s) => [s.name, s.id])),
        },
      ]),
    ),
  );
});

afterEach(async () => {
  for (const subscriber of subscribers.splice(0)) {
    subscriber.unsubscribe();
  }

  await Promise.all(clients.splice(0).map((client) => client.dispose()));
  // Every subscription of a test is gone from the logs before the next test starts.
  await until(() => server.hosts.events.snapshots.subscriberCount === 0);
  await until(() => server.hosts.events.domains.subscriberCount === 0);
});

afterAll(async () => {
  await server?.stop();
  first?.dispose();
  second?.dispose();
});

function domain(name: string): KnownDomain {
  const found = domains[name];
  if (found === undefined) {
    throw new Error(`the fixtures have no domain ${name}`);
  }

  return found;
}

function client(): WsClient {
  const created = wsClient(server.url);
  clients.push(created);

  return created;
}

function track<R>(subscriber: Subscriber<R>): Subscriber<R> {
  subscribers.push(subscriber as Subscriber<unknown>);

  return subscriber;
}

type SnapshotEventsVariables = TransportSnapshotEventsSubscriptionVariables;

function overWs(variables: SnapshotEventsVariables = {}) {
  return track(client().subscribe(TransportSnapshotEventsDocument, variables));
}

async function overSse(variables: SnapshotEventsVariables = {}) {
  return track(await sseSubscribe(server.url, TransportSnapshotEventsDocument, variables));
}

/** Waits until the snapshot log has `count` subscribers: until each subscription is live. */
function listening(count: number): Promise<void> {
  return until(() => server.hosts.events.snapshots.subscriberCount === count);
}

/** Appends a snapshot event naming a snapshot of a fixture domain. */
function publish(
  domainName: string,
  snapshotName: string,
  type: SnapshotEvent['type'] = 'CREATED',
): SnapshotEvent {
  const { uuid, hostName } = domain(domainName);

  return server.hosts.events.snapshots.append({
    type,
    origin: 'API',
    occurredAt: OCCURRED_AT,
    hostName,
    domainUuid: uuid,
    domainName,
    snapshotName,
  });
}

async function received(subscriber: Subscriber<TransportSnapshotEventsSubscription>) {
  return (await subscriber.nextData()).snapshotEvents;
}

/** The IDs of the next `count` events a subscriber receives, then nothing more. */
async function receivedIds(
  subscriber: Subscriber<TransportSnapshotEventsSubscription>,
  count: number,
): Promise<string[]> {
  const ids: string[] = [];
  for (let index = 0; index < count; index += 1) {
    ids.push((await received(subscriber)).id);
  }

  await subscriber.nothingWithin();

  return ids;
}

async function errorCode(subscriber: Subscriber<unknown>): Promise<unknown> {
  const result = await subscriber.next();

  expect(result.data ?? null).toBeNull();
  expect(await subscriber.end()).toMatch(/^(complete|error)$/);

  return result.errors?.[0]?.extensions?.code;
}

describe('snapshotEvents', () => {
  it('delivers an event with every field over graphql-ws and over SSE', async () => {
    const ws = overWs();
    const sse = await overSse();
    await listening(2);
    const event = publish('vm-a', 'a2');
    const vmA = domain('vm-a');
    const expected: SnapshotEventFields = {
      id: event.id,
      type: 'CREATED',
      origin: 'API',
      occurredAt: '2026-12-03T16:04:33Z',
      host: { id: vmA.hostId, name: first.uri },
      domainName: 'vm-a',
      domain: { id: vmA.id, name: 'vm-a' },
      snapshotId: vmA.snapshotIds.a2 as string,
      snapshotName: 'a2',
      snapshot: {
        id: vmA.snapshotIds.a2 as string,
        name: 'a2',
        isCurrent: true,
        domain: { id: vmA.id },
      },
    };

    expect(await received(ws)).toEqual(expected);
    expect(await received(sse)).toEqual(expected);
  });

  it('gives a snapshotId that node(id) resolves to the snapshot', async () => {
    const ws = overWs();
    await listening(1);
    publish('vm-b', 'b1', 'UPDATED');
    const event = await received(ws);
    const node = (await server.data(TransportNodeDocument, { id: event.snapshotId })).node;

    expect(node).toEqual({ id: event.snapshotId, name: 'b1', domain: { id: domain('vm-b').id } });
  });

  it('answers null for a deleted snapshot, one that is gone, and a domain that is gone', async () => {
    const ws = overWs();
    const sse = await overSse();
    await listening(2);
    publish('vm-a', 'a1', 'DELETED');
    publish('vm-a', 'never-taken', 'UPDATED');
    const undefinedDomain = server.hosts.events.snapshots.append({
      type: 'CREATED',
      origin: 'EXTERNAL',
      occurredAt: OCCURRED_AT,
      hostName: first.uri,
      domainUuid: randomUUID(),
      domainName: 'vm-undefined',
      snapshotName: 's1',
    });

    for (const subscriber of [ws, sse]) {
      const deleted = await received(subscriber);
      const gone = await received(subscriber);
      const orphan = await received(subscriber);

      expect(deleted).toMatchObject({ type: 'DELETED', snapshotName: 'a1', snapshot: null });
      expect(deleted.domain?.name).toBe('vm-a');
      expect(gone).toMatchObject({ snapshotName: 'never-taken', snapshot: null });
      expect(gone.domain?.name).toBe('vm-a');
      expect(orphan).toMatchObject({
        id: undefinedDomain.id,
        domainName: 'vm-undefined',
        domain: null,
        snapshotName: 's1',
        snapshot: null,
      });
      // A gone snapshot's ID stays a well-formed Snapshot ID: node() answers null for it.
      const node = await server.data(TransportNodeDocument, { id: orphan.snapshotId });
      expect(node.node).toBeNull();
    }
  });

  it('sends each subscriber only the events its filters select', async () => {
    const byDomain = overWs({ domainId: domain('vm-a').id });
    const byHost = await overSse({ hostId: domain('vm-c').hostId });
    const byType = overWs({ types: ['DELETED'] });
    const byAll = await overSse({ hostId: domain('vm-a').hostId, types: ['CREATED'] });
    await listening(4);
    const created = publish('vm-a', 'a2', 'CREATED');
    publish('vm-b', 'b1', 'UPDATED');
    const onSecondHost = publish('vm-c', 'c1', 'CREATED');
    const deleted = publish('vm-a', 'a1', 'DELETED');

    expect(await receivedIds(byDomain, 2)).toEqual([created.id, deleted.id]);
    expect(await receivedIds(byHost, 1)).toEqual([onSecondHost.id]);
    expect(await receivedIds(byType, 1)).toEqual([deleted.id]);
    expect(await receivedIds(byAll, 1)).toEqual([created.id]);
  });

  it('takes an empty types as every type', async () => {
    const ws = overWs({ types: [] });
    await listening(1);
    const updated = publish('vm-b', 'b1', 'UPDATED');

    expect(await receivedIds(ws, 1)).toEqual([updated.id]);
  });

  it.each(['graphql-ws', 'SSE'])(
    'replays the events after `after` once, then continues live (%s)',
    async (transport) => {
      const before = publish('vm-b', 'b1', 'UPDATED');
      const missed = [publish('vm-b', 'b1', 'REVERTED'), publish('vm-a', 'a2', 'UPDATED')];
      const variables = { after: before.id, domainId: domain('vm-b').id };
      const subscriber = transport === 'SSE' ? await overSse(variables) : overWs(variables);
      await listening(1);
      const live = publish('vm-b', 'b1', 'DELETED');

      expect(await receivedIds(subscriber, 2)).toEqual([missed[0]?.id, live.id]);
    },
  );

  it.each(['graphql-ws', 'SSE'])(
    'refuses an `after` the log does not hold with BAD_USER_INPUT (%s)',
    async (transport) => {
      // A sequence number of this run the log has not reached, and an ID of another run.
      const ahead = publish('vm-b', 'b1', 'UPDATED').id.replace(/-\d+$/, '-999999999');
      for (const after of [ahead, 'deadbeef-1']) {
        const subscriber = transport === 'SSE' ? await overSse({ after }) : overWs({ after });

        expect(await errorCode(subscriber)).toBe('BAD_USER_INPUT');
      }
    },
  );

  it('refuses an `after` older than the log with BAD_USER_INPUT', async () => {
    const oldest = publish('vm-b', 'b1', 'UPDATED');
    // The server keeps the last 10,000 events: with 10,000 after it the log could still
    // replay everything after the oldest, so one more leaves a gap.
    for (let index = 0; index < 10_001; index += 1) {
      publish('vm-b', 'b1', 'UPDATED');
    }

    const result = await overWs({ after: oldest.id }).next();

    expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0]?.message).toContain('is not in the log');
  });

  it.each(['graphql-ws', 'SSE'])(
    'refuses a malformed or mistyped domainId or hostId with BAD_USER_INPUT (%s)',
    async (transport) => {
      const variables: SnapshotEventsVariables[] = [
        { domainId: 'not-an-id' },
        { domainId: domain('vm-a').hostId },
        { hostId: domain('vm-a').id },
      ];
      for (const given of variables) {
        const subscriber = transport === 'SSE' ? await overSse(given) : overWs(given);

        expect(await errorCode(subscriber)).toBe('BAD_USER_INPUT');
      }
    },
  );

  it('refuses the ID of a host that is not configured with NOT_FOUND', async () => {
    const nowhere = 'test:///nowhere';
    const variables: SnapshotEventsVariables[] = [
      { hostId: encodeGlobalID('Host', nowhere) },
      { domainId: encodeGlobalID('Domain', encodeKey([nowhere, randomUUID()])) },
    ];
    for (const given of variables) {
      expect(await errorCode(overWs(given))).toBe('NOT_FOUND');
    }
  });

  it('leaves the other subscribers alone when one disconnects mid-stream', async () => {
    const leaving = client();
    const staying = client();
    const shared = client();
    const leavingWs = leaving.subscribe(TransportSnapshotEventsDocument, {});
    const stayingWs = track(staying.subscribe(TransportSnapshotEventsDocument, {}));
    const unsubscribed = shared.subscribe(TransportSnapshotEventsDocument, {});
    const sharedWs = track(shared.subscribe(TransportSnapshotEventsDocument, {}));
    const leavingSse = await overSse();
    const stayingSse = await overSse();
    await listening(6);
    const before = publish('vm-a', 'a2', 'UPDATED');
    for (const subscriber of [leavingWs, stayingWs, unsubscribed, sharedWs]) {
      expect((await received(subscriber)).id).toBe(before.id);
    }

    // A WebSocket closed, an SSE response aborted, one subscription of a shared socket ended.
    await leaving.dispose();
    leavingSse.unsubscribe();
    unsubscribed.unsubscribe();
    await listening(3);
    const after = publish('vm-a', 'a2', 'UPDATED');

    for (const subscriber of [stayingWs, sharedWs, stayingSse]) {
      expect(await receivedIds(subscriber, subscriber === stayingSse ? 2 : 1)).toContain(after.id);
    }
  });

  it('resolves each event against libvirt as it is then', async () => {
    const vmFresh = domain('vm-fresh');
    const ws = overWs({ domainId: vmFresh.id });
    await listening(1);
    publish('vm-fresh', 'f1', 'UPDATED');

    expect((await received(ws)).snapshot).toBeNull();

    // The mutation publishes its own API event; the subscription's earlier read of the tree
    // (without f1) must not hide the new snapshot.
    await server.data(TransportCreateSnapshotDocument, { domainId: vmFresh.id, name: 'f1' });
    const created = await received(ws);

    expect(created).toMatchObject({ type: 'CREATED', origin: 'API', snapshotName: 'f1' });
    expect(created.snapshot).toMatchObject({ name: 'f1', isCurrent: true });
  });
});

describe('domainEvents', () => {
  function publishDomain(event: Omit<DomainEvent, 'id' | 'occurredAt'>): DomainEvent {
    return server.hosts.events.domains.append({ ...event, occurredAt: OCCURRED_AT });
  }

  it('delivers domain and host events of the chosen host, over graphql-ws and SSE', async () => {
    const vmA = domain('vm-a');
    const ws = track(client().subscribe(TransportDomainEventsDocument, { hostId: vmA.hostId }));
    const sse = track(await sseSubscribe(server.url, TransportDomainEventsDocument, {}));
    await until(() => server.hosts.events.domains.subscriberCount === 2);
    const changed = publishDomain({
      type: 'STATE_CHANGED',
      hostName: vmA.hostName,
      domainUuid: vmA.uuid,
      domainName: 'vm-a',
      state: 'PAUSED',
    });
    const otherHost = publishDomain({
      type: 'HOST_DISCONNECTED',
      hostName: second.uri,
      domainUuid: null,
      domainName: null,
      state: null,
    });

    const expectedChange = {
      id: changed.id,
      type: 'STATE_CHANGED',
      occurredAt: '2026-12-03T16:04:33Z',
      host: { id: vmA.hostId, name: first.uri },
      domainName: 'vm-a',
      domain: { id: vmA.id, name: 'vm-a', state: 'RUNNING' },
      state: 'PAUSED',
    };
    const expectedHost = {
      id: otherHost.id,
      type: 'HOST_DISCONNECTED',
      occurredAt: '2026-12-03T16:04:33Z',
      host: { id: domain('vm-c').hostId, name: second.uri },
      domainName: null,
      domain: null,
      state: null,
    };

    expect((await ws.nextData()).domainEvents).toEqual(expectedChange);
    await ws.nothingWithin();
    expect((await sse.nextData()).domainEvents).toEqual(expectedChange);
    expect((await sse.nextData()).domainEvents).toEqual(expectedHost);
  });
});

describe('stopping the server', () => {
  it('closes every WebSocket and SSE stream and leaves nothing running', async () => {
    const tcp = () =>
      process.getActiveResourcesInfo().filter((resource) => resource.startsWith('TCP')).length;
    const baseline = tcp();
    const fixture = testDriverFixture([{ name: 'vm', snapshots: chain(['s1']) }]);
    const stopping = await startTestServer({ uris: [fixture.uri] });
    try {
      const idle = wsClient(stopping.url, { lazy: false });
      const busy = wsClient(stopping.url);
      const idleClosed = idle.nextClose();
      const busyClosed = busy.nextClose();
      const ws = busy.subscribe(TransportSnapshotEventsDocument, {});
      const sse = await sseSubscribe(stopping.url, TransportSnapshotEventsDocument, {});
      const domainSse = await sseSubscribe(stopping.url, TransportDomainEventsDocument, {});
      await until(() => stopping.hosts.events.snapshots.subscriberCount === 2);
      await until(() => stopping.hosts.events.domains.subscriberCount === 1);

      await stopping.stop();

      // 1001 Going away: the server is stopping.
      expect(await idleClosed).toBe(1001);
      expect(await busyClosed).toBe(1001);
      expect(await ws.end()).toBe('closed 1001');
      expect(await sse.end()).toMatch(/^closed/);
      expect(await domainSse.end()).toMatch(/^closed/);
      expect(stopping.hosts.events.snapshots.subscriberCount).toBe(0);
      expect(stopping.hosts.events.domains.subscriberCount).toBe(0);
      await Promise.all([idle.dispose(), busy.dispose()]);
      await until(() => tcp() <= baseline);
    } finally {
      await stopping.stop();
      fixture.dispose();
    }
  });
});
