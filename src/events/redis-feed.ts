import { randomBytes, randomUUID } from 'node:crypto';
import { createRedisEventTarget } from '@graphql-yoga/redis-event-target';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { ApiError } from '../errors.ts';
import type { Events } from './events.ts';
import {
  type ChangeFeed,
  DOMAIN_LIST,
  type KnownDomain,
  type LockHolder,
  type RefreshTarget,
  type Tidings,
} from './feed.ts';
import type { DomainEvent, SnapshotEvent, SnapshotJobEvent } from './snapshot-event.ts';
import { ToldTree } from './told-tree.ts';

// Every key and the channel start with this, so that the server can share a Redis.
const PREFIX = 'vsg:';
const CHANNEL = `${PREFIX}events`;
// The last events told, in the order they were published: what a replica whose pub/sub
// connection dropped reads to catch up on what it missed.
const RECENT = `${PREFIX}recent`;
const RECENT_KEPT = 10_000;
// How long a mutation waits for a watcher's lock (held while it tells one change) before it
// gives up with DOMAIN_BUSY; another mutation's lock it does not wait for.
const WATCHER_WAIT_MS = 2_000;
const LOCK_RETRY_MS = 20;
// How long other replicas' events wait for this replica to read what they changed; a host
// that hangs must not hold back every event.
const REFRESH_MS = 2_000;
// How long closing waits for events being delivered.
const CLOSE_MS = 2_000;
// The IDs of events already in this replica's logs, kept to tell a repeat from news.
const ADDED_KEPT = 2 * RECENT_KEPT;

// Tells atomically, or not at all. KEYS: the lock (empty: none), the told trees (a hash:
// field, value; an empty value deletes), the stamps (a hash), the recent events (a list).
// ARGV: the lock's token; the stamp's field (empty: none) and the stamp the teller read
// (empty: any); the channel; how many recent events to keep; how many fields; the fields
// and values; the messages. 0: the lock is not the caller's; 2: the stamp moved on; 1: told.
const TELL = `
if KEYS[1] ~= '' and redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if ARGV[2] ~= '' then
  if ARGV[3] ~= '' and (redis.call('HGET', KEYS[3], ARGV[2]) or '0') ~= ARGV[3] then
    return 2
  end
  redis.call('HINCRBY', KEYS[3], ARGV[2], 1)
end
local fields = tonumber(ARGV[6])
local at = 7
for _ = 1, fields do
  if ARGV[at + 1] == '' then
    redis.call('HDEL', KEYS[2], ARGV[at])
  else
    redis.call('HSET', KEYS[2], ARGV[at], ARGV[at + 1])
  end
  at = at + 2
end
for index = at, #ARGV do
  redis.call('RPUSH', KEYS[4], ARGV[index])
  redis.call('PUBLISH', ARGV[4], ARGV[index])
end
redis.call('LTRIM', KEYS[4], -tonumber(ARGV[5]), -1)
return 1`;

// Extends a lock or lease its caller still holds (ARGV: token, milliseconds).
const RENEW = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
return redis.call('PEXPIRE', KEYS[1], ARGV[2])`;

// Lets go of a lock or lease its caller still holds (ARGV: token).
const RELEASE = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
return redis.call('DEL', KEYS[1])`;

/** One event as it travels between replicas. */
type Message =
  | { from: string; log: 'snapshots'; event: SnapshotEvent }
  | { from: string; log: 'domains'; event: DomainEvent }
  | { from: string; log: 'jobs'; event: SnapshotJobEvent };

/** How the feed shares hosts between replicas. */
export interface RedisFeedOptions {
  /** The hosts this replica has; one replica at a time watches each. */
  hostNames: string[];
  /**
   * How long a replica's lease on a host, and its lock of a domain, last unless renewed (a
   * third of it apart): how soon another replica goes on after one dies holding them.
   */
  leaseTtlMs: number;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// `work`, or nothing after `ms`: what waits on it goes on (work itself is not stopped).
function bounded(work: Promise<unknown> | undefined, ms: number): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise((resolve) => {
    timer = setTimeout(resolve, ms);
  });

  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

// What a client is told when a mutation cannot lock or tell through Redis.
function redisUnavailable(error: unknown): ApiError {
  const why = error instanceof Error ? error.message : String(error);

  return new ApiError(
    'UNAVAILABLE',
    `Redis, which the replicas of this server share, did not answer (${why}); try again ` +
      'once it is back',
  );
}

const LOGS = new Set(['snapshots', 'domains', 'jobs']);

// A message of this feed, parsed and checked, or null: anything else on the channel (another
// program's, an older layout) is left alone rather than taken for an event.
function asMessage(detail: unknown): Message | null {
  const message = detail as Partial<Message> | null;
  const event = message?.event as { id?: unknown; occurredAt?: unknown } | undefined;
  if (
    typeof message?.from !== 'string' ||
    !LOGS.has(message.log as string) ||
    typeof event !== 'object' ||
    event === null ||
    typeof event.id !== 'string'
  ) {
    return null;
  }

  if (message.log !== 'jobs') {
    const occurredAt = new Date(event.occurredAt as string);
    if (Number.isNaN(occurredAt.getTime())) {
      return null;
    }

    event.occurredAt = occurredAt;
  }

  return message as Message;
}

// The publisher's sequence number in an event ID (`<replica>-<sequence>`).
function sequenceOf(message: Message): number {
  return Number(message.event.id.slice(message.from.length + 1));
}

/**
 * Replicas of the server behind one load balancer, over Redis (README, Many replicas). Every
 * event travels over Redis pub/sub (received through @graphql-yoga/redis-event-target), and
 * each replica's logs take them in the order Redis relays them, its own included, so a
 * subscriber on any replica gets each event once; a replica that misses some (its pub/sub
 * connection dropped) reads them from a list of the recent ones, kept in the same step as
 * they are published. One replica at a time watches a host: it holds the host's lease (SET
 * NX with a TTL, renewed). Whoever tells a domain's change holds the domain's lock in Redis,
 * compares with the tree last told (kept in Redis) and records the new one in the same step
 * as it publishes, so a replica that takes over tells what was missed, once.
 */
export class RedisFeed implements ChangeFeed {
  readonly #id = randomBytes(4).toString('hex');
  readonly #commands: Redis;
  readonly #subscriber: Redis;
  readonly #target: ReturnType<typeof createRedisEventTarget>;
  readonly #events: Events;
  readonly #logger: Logger;
  readonly #options: RedisFeedOptions;
  // The hosts whose lease this replica holds, and until when (by this process's clock).
  readonly #leases = new Map<string, number>();
  // The locks this replica holds: key, token.
  readonly #held = new Map<string, string>();
  readonly #takeOverListeners: ((hostName: string) => void)[] = [];
  // The events in this replica's logs (their IDs), the last one of them, and the last
  // sequence number seen of each replica that tells.
  readonly #added = new Set<string>();
  #lastAdded: string | undefined;
  readonly #lastSequence = new Map<string, number>();
  #catchUpWanted = false;
  // What this replica last read or wrote as told, per host and field: what it compares with
  // should Redis come back without its data (a restart without persistence).
  readonly #lastTold = new Map<string, string>();
  #sequence = 0;
  #refresh: (targets: RefreshTarget[]) => Promise<void> = async () => undefined;
  #canWatch: (hostName: string) => boolean = () => true;
  #inbox: Message[] = [];
  #draining: Promise<void> | undefined;
  #drainingNow = false;
  #leaseTimer: NodeJS.Timeout | undefined;
  #keeping: Promise<void> | undefined;
  #closed = false;

  private constructor(
    commands: Redis,
    subscriber: Redis,
    events: Events,
    logger: Logger,
    options: RedisFeedOptions,
  ) {
    this.#commands = commands;
    this.#subscriber = subscriber;
    this.#events = events;
    this.#logger = logger.child({ replica: this.#id });
    this.#options = options;
    this.#target = createRedisEventTarget({ publishClient: commands, subscribeClient: subscriber });
  }

  /** Connects to Redis at `url` (two connections: commands, and pub/sub). */
  static async connect(
    url: string,
    events: Events,
    logger: Logger,
    options: RedisFeedOptions,
  ): Promise<RedisFeed> {
    const commands = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 3 });
    const subscriber = commands.duplicate();
    for (const client of [commands, subscriber]) {
      client.on('error', (error: Error) => logger.warn({ err: error }, 'Redis connection error'));
    }

    await commands.connect();
    await subscriber.connect();

    return new RedisFeed(commands, subscriber, events, logger, options);
  }

  watches(hostName: string): boolean {
    const until = this.#leases.get(hostName);

    return until !== undefined && Date.now() < until;
  }

  async withLock<T>(
    hostName: string,
    name: string,
    holder: LockHolder,
    work: () => Promise<T>,
  ): Promise<{ value: T } | undefined> {
    const key = this.#lockKey(hostName, name);
    const token = `${this.#id}:${holder}:${randomUUID()}`;
    const locked = await this.#lock(key, token, holder).catch((error: unknown) => {
      throw redisUnavailable(error);
    });
    if (!locked) {
      return undefined;
    }

    this.#held.set(key, token);
    const ttl = this.#options.leaseTtlMs;
    const renew = setInterval(() => {
      this.#commands
        .eval(RENEW, 1, key, token, ttl)
        .then((renewed) => {
          if (renewed !== 1) {
            this.#logger.warn({ key }, 'a lock ran out while held: what it guards is re-read');
          }
        })
        .catch((error: unknown) => this.#logger.warn({ err: error, key }, 'lock not renewed'));
    }, ttl / 3);
    try {
      return { value: await work() };
    } finally {
      clearInterval(renew);
      this.#held.delete(key);
      await this.#commands
        .eval(RELEASE, 1, key, token)
        .catch((error: unknown) => this.#logger.warn({ err: error, key }, 'lock not released'));
    }
  }

  // Takes the lock; a mutation waits a moment while a watcher holds it.
  async #lock(key: string, token: string, holder: LockHolder): Promise<boolean> {
    const deadline = Date.now() + (holder === 'mutation' ? WATCHER_WAIT_MS : 0);
    for (;;) {
      if ((await this.#commands.set(key, token, 'PX', this.#options.leaseTtlMs, 'NX')) === 'OK') {
        return true;
      }

      const owner = await this.#commands.get(key);
      if (owner !== null && (!owner.includes(':watcher:') || Date.now() >= deadline)) {
        return false;
      }

      if (Date.now() >= deadline + WATCHER_WAIT_MS) {
        return false;
      }

      await sleep(owner === null ? 0 : LOCK_RETRY_MS);
    }
  }

  async toldTree(hostName: string, uuid: string): Promise<ToldTree | null> {
    const text = await this.#told(hostName, uuid);

    return text === null ? null : ToldTree.parse(text);
  }

  async toldDomains(hostName: string): Promise<Map<string, KnownDomain> | null> {
    const text = await this.#told(hostName, DOMAIN_LIST);
    if (text === null) {
      return null;
    }

    const entries = JSON.parse(text) as [string, string, string][];

    return new Map(entries.map(([uuid, name, state]) => [uuid, { name, state }]));
  }

  // A field of the host's told hash, or what this replica last knew of it.
  async #told(hostName: string, field: string): Promise<string | null> {
    const text = await this.#commands.hget(this.#toldKey(hostName), field).catch((error) => {
      throw redisUnavailable(error);
    });
    const key = `${hostName}\n${field}`;
    if (text === null) {
      return this.#lastTold.get(key) ?? null;
    }

    this.#lastTold.set(key, text);

    return text;
  }

  async stamps(hostName: string): Promise<Map<string, string>> {
    const stamps = await this.#commands.hgetall(this.#stampsKey(hostName)).catch((error) => {
      throw redisUnavailable(error);
    });

    return new Map(Object.entries(stamps));
  }

  async tell(
    hostName: string,
    name: string | null,
    tidings: Tidings,
    stamp?: string,
  ): Promise<boolean> {
    const messages = tidings.events.map((tiding) =>
      JSON.stringify({ from: this.#id, log: tiding.log, event: this.#named(tiding.event) }),
    );
    const writes: string[] = [];
    for (const [uuid, tree] of tidings.trees ?? []) {
      writes.push(uuid, tree === null ? '' : ToldTree.of(tree).serialize());
    }

    if (tidings.domains !== undefined) {
      const entries = [...tidings.domains].map(([uuid, known]) => [uuid, known.name, known.state]);
      writes.push(DOMAIN_LIST, JSON.stringify(entries));
    }

    let key = '';
    let token = '';
    if (name !== null) {
      key = this.#lockKey(hostName, name);
      token = this.#held.get(key) ?? '';
      if (token === '') {
        throw new Error(`${name} of ${hostName} told without its lock`);
      }
    }

    const told = await this.#tell(
      [key, this.#toldKey(hostName), this.#stampsKey(hostName)],
      [token, name ?? '', stamp ?? ''],
      writes,
      messages,
    );
    if (told === 0) {
      this.#logger.warn(
        { host: hostName, lock: name },
        'the lock ran out before the change was told',
      );
    }

    if (told === 1) {
      for (let index = 0; index < writes.length; index += 2) {
        const field = `${hostName}\n${writes[index]}`;
        const value = writes[index + 1] as string;
        if (value === '') {
          this.#lastTold.delete(field);
        } else {
          this.#lastTold.set(field, value);
        }
      }
    }

    return told === 1;
  }

  async #tell(
    keys: [lock: string, told: string, stamps: string],
    check: [token: string, stampField: string, stamp: string],
    writes: string[],
    messages: string[],
  ): Promise<number> {
    const told = await this.#commands
      .eval(
        TELL,
        4,
        ...keys,
        RECENT,
        ...check,
        CHANNEL,
        RECENT_KEPT,
        writes.length / 2,
        ...writes,
        ...messages,
      )
      .catch((error: unknown) => {
        throw redisUnavailable(error);
      });

    return Number(told);
  }

  tellJob(event: Omit<SnapshotJobEvent, 'id'>): void {
    const message = JSON.stringify({ from: this.#id, log: 'jobs', event: this.#named(event) });
    // A failure is only logged: a job's report is not worth a mutation, and a rejection that
    // nobody handles would end the process.
    this.#tell(['', '', ''], ['', '', ''], [], [message]).catch((error: unknown) =>
      this.#logger.warn({ err: error }, 'a job report was not told'),
    );
  }

  onTakeOver(listener: (hostName: string) => void): void {
    this.#takeOverListeners.push(listener);
  }

  async start(
    refresh: (targets: RefreshTarget[]) => Promise<void>,
    canWatch: (hostName: string) => boolean,
  ): Promise<void> {
    this.#refresh = refresh;
    this.#canWatch = canWatch;
    // Subscribed before anything else: events told from now on must arrive.
    await this.#subscriber.subscribe(CHANNEL);
    this.#target.addEventListener(CHANNEL, (event) =>
      this.#receive((event as CustomEvent<unknown>).detail),
    );
    // What was told before this replica started is not news to it: it reads libvirt itself.
    const last = asMessage(JSON.parse((await this.#commands.lindex(RECENT, -1)) ?? 'null'));
    this.#lastAdded = last?.event.id;
    // After a dropped connection ioredis subscribes again; what was published meanwhile is
    // in the recent list.
    this.#subscriber.on('ready', () => {
      this.#catchUpWanted = true;
      this.#drainSoon();
    });
    await this.#keepLeases();
    this.#leaseTimer = setInterval(() => {
      this.#keeping ??= this.#keepLeases().finally(() => {
        this.#keeping = undefined;
      });
    }, this.#options.leaseTtlMs / 3);
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#leaseTimer);
    await bounded(this.#keeping, CLOSE_MS);
    // Let go of the leases, so that another replica takes over at once rather than after the TTL.
    for (const hostName of this.#leases.keys()) {
      await bounded(
        this.#commands.eval(RELEASE, 1, this.#leaseKey(hostName), this.#id).catch(() => 0),
        CLOSE_MS,
      );
    }

    this.#leases.clear();
    await bounded(this.#draining, CLOSE_MS);
    this.#subscriber.disconnect();
    this.#commands.disconnect();
  }

  // Renews the leases this replica holds, takes those nobody holds, and gives back those of
  // hosts it cannot watch now (not connected), for a replica that can.
  async #keepLeases(): Promise<void> {
    const ttl = this.#options.leaseTtlMs;
    for (const hostName of this.#options.hostNames) {
      if (this.#closed) {
        return;
      }

      const key = this.#leaseKey(hostName);
      const until = Date.now() + ttl;
      const watched = this.watches(hostName);
      try {
        if (!this.#canWatch(hostName)) {
          if (this.#leases.delete(hostName)) {
            await this.#commands.eval(RELEASE, 1, key, this.#id);
            this.#logger.warn({ host: hostName }, 'not connected: the lease is given back');
          }
        } else if (this.#leases.has(hostName)) {
          if ((await this.#commands.eval(RENEW, 1, key, this.#id, ttl)) === 1) {
            this.#leases.set(hostName, until);
            // Renewed after it had run out here: what changed meanwhile is compared again.
            if (!watched) {
              this.#tookOver(hostName);
            }
          } else {
            this.#leases.delete(hostName);
            this.#logger.warn({ host: hostName }, 'lost the lease: another replica watches');
          }
        } else if ((await this.#commands.set(key, this.#id, 'PX', ttl, 'NX')) === 'OK') {
          this.#leases.set(hostName, until);
          this.#logger.info({ host: hostName }, 'watching the host (this replica holds its lease)');
          this.#tookOver(hostName);
        }
      } catch (error) {
        this.#logger.warn({ err: error, host: hostName }, 'the lease could not be kept');
      }
    }
  }

  #tookOver(hostName: string): void {
    for (const listener of this.#takeOverListeners) {
      listener(hostName);
    }
  }

  // An event from Redis, this replica's own included: into the logs in the order it came.
  #receive(detail: unknown): void {
    const message = asMessage(detail);
    if (message === null) {
      this.#logger.warn('a message on the events channel that is not an event was left alone');

      return;
    }

    this.#inbox.push(message);
    this.#drainSoon();
  }

  #drainSoon(): void {
    if (!this.#drainingNow) {
      this.#drainingNow = true;
      this.#draining = this.#drain();
    }
  }

  // Another replica's change reaches subscribers here only once this replica's trees have it:
  // a query made on the event answers with the state after it. Ends (and lets the next event
  // start another drain) in the same step as it finds nothing more to do.
  async #drain(): Promise<void> {
    while (this.#inbox.length > 0 || this.#catchUpWanted) {
      let batch = this.#inbox;
      this.#inbox = [];
      if (this.#catchUpWanted || batch.some((message) => this.#followsGap(message))) {
        this.#catchUpWanted = false;
        batch = await this.#withMissed(batch);
      }

      const news = batch.filter((message) => !this.#added.has(message.event.id));
      const targets = this.#refreshTargets(news);
      if (targets.length > 0) {
        await bounded(
          this.#refresh(targets).catch((error: unknown) =>
            this.#logger.warn({ err: error }, 'could not read what another replica changed'),
          ),
          REFRESH_MS,
        );
      }

      for (const message of news) {
        this.#add(message);
      }

      // After the subscribers have the events: this read is for a rare case, not for them.
      await this.#noteTold(news);
    }

    this.#drainingNow = false;
  }

  // Keeps what other replicas' events leave told (#lastTold), for a Redis that comes back
  // without its data: this replica then compares with the state those events told.
  async #noteTold(messages: Message[]): Promise<void> {
    const fields = new Set<string>();
    for (const message of messages) {
      if (message.from !== this.#id && message.log !== 'jobs') {
        const field = message.log === 'snapshots' ? message.event.domainUuid : DOMAIN_LIST;
        fields.add(`${message.event.hostName}\n${field}`);
      }
    }

    for (const key of fields) {
      const [hostName, field] = key.split('\n') as [string, string];
      await this.#told(hostName, field).catch(() => null);
    }
  }

  // Whether a replica's message comes after one of its own that this replica has not had.
  #followsGap(message: Message): boolean {
    const last = this.#lastSequence.get(message.from);

    return last !== undefined && sequenceOf(message) > last + 1;
  }

  // `batch` with what this replica missed before it, from the list of recent events.
  async #withMissed(batch: Message[]): Promise<Message[]> {
    let recent: Message[];
    try {
      const texts = await this.#commands.lrange(RECENT, 0, -1);
      recent = texts.flatMap((text) => asMessage(JSON.parse(text)) ?? []);
    } catch (error) {
      this.#logger.warn({ err: error }, 'could not read the events missed while disconnected');

      return batch;
    }

    // Everything after the last event this replica has, in the order Redis published it
    // (the batch's included); what is not in the list (trimmed since) comes last.
    const lastAt = recent.findIndex((message) => message.event.id === this.#lastAdded);
    const after = recent.slice(lastAt + 1).filter((message) => !this.#added.has(message.event.id));
    const listed = new Set(after.map((message) => message.event.id));
    const unlisted = batch.filter((message) => !listed.has(message.event.id));
    const inBatch = new Set(batch.map((message) => message.event.id));
    const missed = after.filter((message) => !inBatch.has(message.event.id)).length;
    if (missed > 0) {
      this.#logger.warn({ events: missed }, 'caught up on events missed on pub/sub');
    }

    return [...after, ...unlisted];
  }

  // The domains other replicas' snapshot events name, to read before their subscribers
  // get them; in full where a snapshot was redefined.
  #refreshTargets(messages: Message[]): RefreshTarget[] {
    const targets = new Map<string, RefreshTarget>();
    for (const message of messages) {
      if (message.from === this.#id || message.log !== 'snapshots') {
        continue;
      }

      const { hostName, domainUuid: uuid, type } = message.event;
      const key = `${hostName}\n${uuid}`;
      const full = (targets.get(key)?.full ?? false) || type === 'UPDATED';
      targets.set(key, { hostName, uuid, full });
    }

    return [...targets.values()];
  }

  #add(message: Message): void {
    if (message.log === 'snapshots') {
      this.#events.snapshots.add(message.event);
    } else if (message.log === 'domains') {
      this.#events.domains.add(message.event);
    } else {
      this.#events.jobs.add(message.event);
    }

    const { id } = message.event;
    this.#added.add(id);
    this.#lastAdded = id;
    if (this.#added.size > ADDED_KEPT) {
      const oldest = this.#added.values().next().value as string;
      this.#added.delete(oldest);
    }

    this.#lastSequence.set(message.from, sequenceOf(message));
  }

  #named<E extends object>(event: E): E & { id: string } {
    this.#sequence += 1;

    return { ...event, id: `${this.#id}-${this.#sequence}` };
  }

  #lockKey(hostName: string, name: string): string {
    return `${PREFIX}lock:${hostName}:${name}`;
  }

  #leaseKey(hostName: string): string {
    return `${PREFIX}lease:${hostName}`;
  }

  #toldKey(hostName: string): string {
    return `${PREFIX}told:${hostName}`;
  }

  #stampsKey(hostName: string): string {
    return `${PREFIX}stamps:${hostName}`;
  }
}
