import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Connection, Libvirt } from '../../src/ffi/index.ts';
import type { Response } from '../support/graphql-server.ts';
import { type QemuDomain, QemuDomains } from '../support/qemu-domain.ts';
import { RedisServer, Replica } from '../support/replicas.ts';
import {
  type Subscriber,
  until,
  type WsClient,
  wsClient,
} from '../support/subscription-clients.ts';
import {
  ReplicaCreateDocument,
  ReplicaDomainDocument,
  ReplicaDomainEventsDocument,
  ReplicaRevertDocument,
  ReplicaSnapshotEventsDocument,
  type ReplicaSnapshotEventsSubscription,
  ReplicaSnapshotJobsDocument,
} from './replicas.generated.ts';

/**
 * Three replicas of the server, each a process of its own, over one redis-server (Debian's,
 * started here) and libvirtd with QEMU: subscribers on each replica, mutations through each,
 * changes by virsh, and the replica that watches the host killed mid-stream. Every subscriber
 * must see each change exactly once, in the same order as every other.
 */

const URI = 'qemu:///system';
const run = promisify(execFile);
// Short, so that a replica takes over soon after the watching one dies.
const LEASE_TTL_MS = 2000;
// An event through Redis and a look of a replica's watcher, with a margin for a busy machine.
const EVENT_DEADLINE_MS = 8000;
// A dead replica's lease runs out, another takes it and compares, then tells.
const TAKE_OVER_DEADLINE_MS = LEASE_TTL_MS + EVENT_DEADLINE_MS;

type SnapshotEvent = ReplicaSnapshotEventsSubscription['snapshotEvents'];

/** What one subscriber has received so far, as it arrives. */
class Received {
  readonly events: SnapshotEvent[] = [];
  // What else arrived: a result with errors, the end of the stream.
  readonly #other: string[] = [];

  constructor(subscriber: Subscriber<ReplicaSnapshotEventsSubscription>) {
    void (async () => {
      for (;;) {
        const result = await subscriber.next(600_000).catch((error: Error) => error);
        if (result instanceof Error) {
          this.#other.push(result.message);

          return;
        }

        if (result.data?.snapshotEvents === undefined) {
          this.#other.push(JSON.stringify(result.errors));
        } else {
          this.events.push(result.data.snapshotEvents);
        }
      }
    })();
  }

  /** `TYPE name ORIGIN` of each event, in order. */
  briefs(): string[] {
    return this.events.map((event) => `${event.type} ${event.snapshotName} ${event.origin}`);
  }

  /** Every event with its ID, and whatever else arrived. */
  describe(): string {
    const events = this.events.map((event, index) => `${this.briefs()[index]} (${event.id})`);

    return [...events, ...this.#other].join(', ');
  }

  has(brief: string): boolean {
    return this.briefs().includes(brief);
  }
}

/** Waits until every one of `subscribers` has had `briefs`; a timeout says what each had. */
async function untilAll(
  subscribers: Received[],
  briefs: string[],
  timeoutMs: number,
): Promise<void> {
  const all = () => subscribers.every((s) => briefs.every((brief) => s.has(brief)));
  await until(all, timeoutMs).catch(() => {
    const had = subscribers.map((subscriber) => subscriber.describe()).join('\n');
    throw new Error(`not every subscriber had ${briefs.join(', ')} in ${timeoutMs} ms:\n${had}`);
  });
}

async function post<R, V>(
  replica: Replica,
  document: TypedDocumentNode<R, V>,
  variables: V,
): Promise<Response<R>> {
  const response = await fetch(replica.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ query: print(document), variables }),
  });

  return (await response.json()) as Response<R>;
}

async function data<R, V>(
  replica: Replica,
  document: TypedDocumentNode<R, V>,
  variables: V,
): Promise<R> {
  const result = await post(replica, document, variables);
  if (result.errors !== undefined || result.data === undefined || result.data === null) {
    throw new Error(`the replica answered with errors: ${JSON.stringify(result.errors)}`);
  }

  return result.data;
}

async function virsh(...args: string[]): Promise<string> {
  const { stdout } = await run('virsh', ['-q', '-c', URI, ...args]);

  return stdout;
}

async function virshSnapshots(domain: QemuDomain): Promise<string[]> {
  const listed = await virsh('snapshot-list', domain.name, '--name');

  return listed
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .sort();
}

let libvirt: Libvirt;
let connection: Connection;
let redis: RedisServer;
let redisClient: Redis;
let replicas: Replica[] = [];
const domains = new QemuDomains(() => connection);
const clients: WsClient[] = [];

beforeAll(async () => {
  libvirt = await Libvirt.start({ callThreads: 2 });
  connection = await libvirt.open(URI);
  redis = new RedisServer();
  await redis.start();
  redisClient = redis.client();
}, 60_000);

afterAll(async () => {
  try {
    await Promise.all(clients.splice(0).map((client) => client.dispose()));
    await Promise.all(replicas.map((replica) => replica.stop()));
    redisClient?.disconnect();
    await redis?.dispose();
  } finally {
    await domains.disposeAll();
    await connection?.close();
    await libvirt?.close();
  }
}, 60_000);

async function startReplicas(count: number): Promise<Replica[]> {
  const args = ['-c', URI, '--redis-url', redis.url, '--lease-ttl', String(LEASE_TTL_MS)];

  return Promise.all(Array.from({ length: count }, () => Replica.start(args)));
}

/** The replicas no test has ended; throws, saying why, if one of them died by itself. */
async function liveReplicas(): Promise<Replica[]> {
  const live = replicas.filter((replica) => !replica.ended);
  await Promise.all(live.map((replica) => replica.assertAlive()));

  return live;
}

/** A graphql-ws client of `replica`, disposed of after the tests. */
function clientOf(replica: Replica): WsClient {
  const client = wsClient(replica.url, { lazy: false });
  clients.push(client);

  return client;
}

/** Waits until `replica` counts a subscriber of `log`: a subscription made is live. */
async function subscribed(replica: Replica, log: 'snapshots' | 'domains' | 'jobs') {
  while (!(await replica.subscribers(log))) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** One live subscriber of the domain's snapshotEvents on each replica of `on`. */
async function snapshotSubscribers(on: Replica[], domainId: string): Promise<Received[]> {
  const received = on.map(
    (replica) =>
      new Received(clientOf(replica).subscribe(ReplicaSnapshotEventsDocument, { domainId })),
  );
  await Promise.all(on.map((replica) => subscribed(replica, 'snapshots')));

  return received;
}

/** The one replica of `all` that watches the host, once there is exactly one. */
async function watcherOf(all: Replica[]): Promise<Replica> {
  const deadline = Date.now() + TAKE_OVER_DEADLINE_MS;
  let watching: Replica[] = [];
  while (Date.now() < deadline) {
    const flags = await Promise.all(all.map((replica) => replica.watches(URI)));
    watching = all.filter((_, index) => flags[index]);
    if (watching.length === 1) {
      break;
    }

    await new Promise((resolve) => setTimeout(resolve, 100));
  }

  expect(watching).toHaveLength(1);

  return watching[0] as Replica;
}

describe('three replicas over Redis', () => {
  it('tell every subscriber each change once, also when the watching replica dies', async () => {
    const domain = await domains.create();
    replicas = await startReplicas(3);
    const watching = await watcherOf(replicas);
    const { domain: found } = await data(replicas[0] as Replica, ReplicaDomainDocument, {
      name: domain.name,
    });
    const domainId = found?.id as string;

    const received = await snapshotSubscribers(replicas, domainId);
    await data(replicas[0] as Replica, ReplicaCreateDocument, { domainId, name: 'r0' });
    await untilAll(received, ['CREATED r0 API'], EVENT_DEADLINE_MS);

    // A change through one replica is in the next query of every replica once its event has
    // reached that replica's subscribers.
    for (const [index, replica] of replicas.entries()) {
      const name = `r${index + 1}`;
      await data(replica, ReplicaCreateDocument, { domainId, name });
      // The replica that made it answers with it at once.
      const own = await data(replica, ReplicaDomainDocument, { name: domain.name });
      expect(own.domain?.snapshots.nodes.map((node) => node.name)).toContain(name);
      for (const [other, subscriber] of received.entries()) {
        await untilAll([subscriber], [`CREATED ${name} API`], EVENT_DEADLINE_MS);
        const answer = await data(replicas[other] as Replica, ReplicaDomainDocument, {
          name: domain.name,
        });
        const names = answer.domain?.snapshots.nodes.map((node) => node.name);
        expect(names).toContain(name);
      }
    }

    await virsh('snapshot-create-as', domain.name, 'v1');
    await untilAll(received, ['CREATED v1 EXTERNAL'], EVENT_DEADLINE_MS);

    const first = ['r0', 'r1', 'r2', 'r3'].map((name) => `CREATED ${name} API`);
    for (const subscriber of received) {
      expect(subscriber.briefs()).toEqual([...first, 'CREATED v1 EXTERNAL']);
      expect(subscriber.events.map((event) => event.id)).toEqual(
        received[0]?.events.map((event) => event.id),
      );
    }

    // Mid-stream: a change by virsh, and the watching replica dies before it can tell it (or
    // just after: either way, once).
    await virsh('snapshot-create-as', domain.name, 'v2');
    await watching.kill();
    const survivors = replicas.filter((replica) => replica !== watching);
    const listening = received.filter((_, index) => replicas[index] !== watching);
    // A mutation through a survivor while nobody watches, and another change by virsh.
    const { domain: now } = await data(survivors[0] as Replica, ReplicaDomainDocument, {
      name: domain.name,
    });
    const r1 = now?.snapshots.nodes.find((node) => node.name === 'r1');
    const reverted = await data(survivors[0] as Replica, ReplicaRevertDocument, {
      snapshotId: r1?.id as string,
    });
    expect(reverted.revertToSnapshot.snapshot.name).toBe('r1');
    await virsh('snapshot-delete', domain.name, 'v1');

    const newWatcher = await watcherOf(survivors);
    expect(survivors).toContain(newWatcher);
    // v2 is v1's child: v1's delete moves it up to r3.
    const rest = [
      'CREATED v2 EXTERNAL',
      'REVERTED r1 API',
      'DELETED v1 EXTERNAL',
      'UPDATED v2 EXTERNAL',
    ];
    await untilAll(listening, rest, TAKE_OVER_DEADLINE_MS);
    // A look or two more: nothing told twice, nothing more.
    await new Promise((resolve) => setTimeout(resolve, 2500));
    for (const subscriber of listening) {
      const briefs = subscriber.briefs();
      for (const brief of [...first, 'CREATED v1 EXTERNAL', ...rest]) {
        expect(
          briefs.filter((seen) => seen === brief),
          brief,
        ).toHaveLength(1);
      }

      expect(briefs, briefs.join(', ')).toHaveLength(first.length + 1 + rest.length);
      expect(subscriber.events.map((event) => event.id)).toEqual(
        listening[0]?.events.map((event) => event.id),
      );
    }

    // A monitor that reconnects to another replica replays from an ID it had there.
    const [seen, other] = [listening[0] as Received, survivors[1] as Replica];
    const after = seen.events[2]?.id as string;
    const replayed = new Received(
      clientOf(other).subscribe(ReplicaSnapshotEventsDocument, { domainId, after }),
    );
    await until(() => replayed.events.length >= seen.events.length - 3, EVENT_DEADLINE_MS);
    expect(replayed.events.map((event) => event.id)).toEqual(
      seen.events.slice(3).map((event) => event.id),
    );

    // The order is libvirt's: v2 before the revert before v1's delete.
    const order = listening[0]?.briefs().slice(first.length + 1) ?? [];
    expect(order).toEqual(rest);
    expect(await virshSnapshots(domain)).toEqual(['r0', 'r1', 'r2', 'r3', 'v2']);
  }, 120_000);

  it('refuses a mutation another replica holds; domain events and jobs reach all', async () => {
    if (replicas.length === 0) {
      replicas = await startReplicas(2);
    }

    const live = await liveReplicas();

    // A domain defined now is told once to every replica's subscribers, by the watching one.
    const domainEvents = live.map((replica) =>
      clientOf(replica).subscribe(ReplicaDomainEventsDocument),
    );
    await Promise.all(live.map((replica) => subscribed(replica, 'domains')));

    const domain = await domains.create();
    for (const subscriber of domainEvents) {
      let event = (await subscriber.nextData(EVENT_DEADLINE_MS)).domainEvents;
      // Other test files define and undefine domains of their own meanwhile.
      while (event.domainName !== domain.name) {
        event = (await subscriber.nextData(EVENT_DEADLINE_MS)).domainEvents;
      }

      expect(event.type).toBe('DEFINED');
    }

    const replica = live[0] as Replica;
    const { domain: found } = await data(replica, ReplicaDomainDocument, { name: domain.name });
    const domainId = found?.id as string;
    await data(replica, ReplicaCreateDocument, { domainId, name: 'kept' });
    const uuid = (await virsh('domuuid', domain.name)).trim();
    const before = await virshSnapshots(domain);

    // As a mutation on another replica holds it.
    const lock = `vsg:lock:${URI}:${uuid}`;
    await redisClient.set(lock, 'elsewhere:mutation:1', 'PX', 30_000);
    try {
      for (const other of live) {
        const refused = await post(other, ReplicaCreateDocument, { domainId, name: 'refused' });
        expect(refused.errors?.[0]?.extensions?.code).toBe('CONFLICT');
        expect(refused.errors?.[0]?.extensions?.reason).toBe('DOMAIN_BUSY');
      }

      expect(await virshSnapshots(domain)).toEqual(before);
    } finally {
      await redisClient.del(lock);
    }

    // A job's reports reach every replica's subscribers, whichever replica runs it.
    const listener = live.at(-1) as Replica;
    const jobs = clientOf(listener).subscribe(ReplicaSnapshotJobsDocument, { domainId });
    await subscribed(listener, 'jobs');

    await data(replica, ReplicaCreateDocument, { domainId, name: 'after' });
    expect(await virshSnapshots(domain)).toEqual(['after', 'kept']);
    const started = (await jobs.nextData(EVENT_DEADLINE_MS)).snapshotJobs;
    expect(started).toMatchObject({ operation: 'CREATE', phase: 'STARTED', snapshotName: 'after' });
    let last = started;
    while (last.phase === 'STARTED' || last.phase === 'RUNNING') {
      last = (await jobs.nextData(EVENT_DEADLINE_MS)).snapshotJobs;
    }

    expect(last).toMatchObject({ id: started.id, phase: 'COMPLETED', snapshotName: 'after' });
  }, 60_000);

  it('answers UNAVAILABLE while Redis is down, changing nothing, and goes on after', async () => {
    if (replicas.length === 0) {
      replicas = await startReplicas(2);
    }

    const live = await liveReplicas();

    const [replica, other] = live as [Replica, Replica];
    const domain = await domains.create();
    const { domain: found } = await data(replica, ReplicaDomainDocument, { name: domain.name });
    const domainId = found?.id as string;
    await data(replica, ReplicaCreateDocument, { domainId, name: 'before' });

    await redis.stop();
    const refused = await post(replica, ReplicaCreateDocument, { domainId, name: 'refused' });
    expect(refused.errors?.[0]?.extensions?.code).toBe('UNAVAILABLE');
    expect(refused.errors?.[0]?.message).toMatch(/Redis/);
    expect(await virshSnapshots(domain)).toEqual(['before']);
    // Queries answer from the replica's own trees meanwhile.
    const meanwhile = await data(replica, ReplicaDomainDocument, { name: domain.name });
    expect(meanwhile.domain?.snapshots.nodes.map((node) => node.name)).toEqual(['before']);

    // Back, empty: the replicas reconnect, one takes the lease, changes travel again.
    await redis.start();
    await watcherOf(live);
    const received = await snapshotSubscribers([other], domainId);

    await data(replica, ReplicaCreateDocument, { domainId, name: 'after' });
    await untilAll(received, ['CREATED after API'], EVENT_DEADLINE_MS);
    expect(await virshSnapshots(domain)).toEqual(['after', 'before']);
  }, 90_000);

  it('delivers what a replica missed while its pub/sub connection was down, once', async () => {
    if (replicas.length === 0) {
      replicas = await startReplicas(2);
    }

    const live = await liveReplicas();

    const domain = await domains.create();
    const [replica] = live as [Replica];
    const { domain: found } = await data(replica, ReplicaDomainDocument, { name: domain.name });
    const domainId = found?.id as string;
    const received = await snapshotSubscribers(live, domainId);

    // Every replica's pub/sub connection drops; the change is published before they are back.
    await redisClient.client('KILL', 'TYPE', 'pubsub');
    await data(replica, ReplicaCreateDocument, { domainId, name: 'in-the-gap' });
    await data(replica, ReplicaCreateDocument, { domainId, name: 'after-the-gap' });
    const both = ['CREATED in-the-gap API', 'CREATED after-the-gap API'];
    await untilAll(received, both, EVENT_DEADLINE_MS);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    for (const subscriber of received) {
      expect(subscriber.briefs()).toEqual(both);
    }
  }, 60_000);
});
