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
  type Tidings,
} from './feed.ts';
import type { DomainEvent, SnapshotEvent, SnapshotJobEvent } from './snapshot-event.ts';
import { ToldTree } from './told-tree.ts';

// Every key and the channel start with this, so that the server can share a Redis.
const PREFIX = 'vsg:';
const CHANNEL = `${PREFIX}events`;
// How long a mutation waits for a watcher's lock (held while it tells one change) before it
// gives up with DOMAIN_BUSY; another mutation's lock it does not wait for.
const WATCHER_WAIT_MS = 2_000;
const LOCK_RETRY_MS = 20;

// Tells atomically, or not at all when the caller no longer holds the lock: records what is
// told (KEYS[2], a hash: field, value; an empty value deletes) and publishes the events on
// KEYS[3]. ARGV: the lock's token, how many fields, the fields and values, the messages.
const TELL = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
local fields = tonumber(ARGV[2])
local at = 3
for _ = 1, fields do
  if ARGV[at + 1] == '' then
    redis.call('HDEL', KEYS[2], ARGV[at])
  else
    redis.call('HSET', KEYS[2], ARGV[at], ARGV[at + 1])
  end
  at = at + 2
end
for index = at, #ARGV do redis.call('PUBLISH', KEYS[3], ARGV[index]) end
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

// What a client is told when a mutation cannot lock or tell through Redis.
function redisUnavailable(error: unknown): ApiError {
  const why = error instanceof Error ? error.message : String(error);

  return new ApiError(
    'UNAVAILABLE',
    `Redis, which the replicas of this server share, did not answer (${why}); try again ` +
      'once it is back',
  );
}

/**
 * Replicas of the server behind one load balancer, over Redis (README, Many replicas). Every
 * event travels over Redis pub/sub (@graphql-yoga/redis-event-target), and each replica's
 * logs take them in the order Redis relays them, its own included, so a subscriber on any
 * replica gets each event once. One replica at a time watches a host: it holds the host's
 * lease (SET NX with a TTL, renewed). Whoever tells a domain's change holds the domain's
 * lock in Redis, compares with the tree last told (kept in Redis) and records the new one in
 * the same step as it publishes, so a replica that takes over tells what was missed, once.
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
  #sequence = 0;
  #refresh: () => Promise<void> = async () => undefined;
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
    const text = await this.#commands.hget(this.#toldKey(hostName), uuid).catch((error) => {
      throw redisUnavailable(error);
    });

    return text === null ? null : ToldTree.parse(text);
  }

  async toldDomains(hostName: string): Promise<Map<string, KnownDomain> | null> {
    const text = await this.#commands
      .hget(this.#toldKey(hostName), DOMAIN_LIST)
      .catch((error: unknown) => {
        throw redisUnavailable(error);
      });
    if (text === null) {
      return null;
    }

    const entries = JSON.parse(text) as [string, string, string][];

    return new Map(entries.map(([uuid, name, state]) => [uuid, { name, state }]));
  }

  async tell(hostName: string, name: string | null, tidings: Tidings): Promise<void> {
    const messages = tidings.events.map((tiding) =>
      JSON.stringify({ from: this.#id, log: tiding.log, event: this.#named(tiding.event) }),
    );
    if (name === null) {
      const pipeline = this.#commands.pipeline();
      for (const message of messages) {
        pipeline.publish(CHANNEL, message);
      }

      await pipeline.exec();

      return;
    }

    const writes: string[] = [];
    for (const [uuid, tree] of tidings.trees ?? []) {
      writes.push(uuid, tree === null ? '' : ToldTree.of(tree).serialize());
    }

    if (tidings.domains !== undefined) {
      const entries = [...tidings.domains].map(([uuid, known]) => [uuid, known.name, known.state]);
      writes.push(DOMAIN_LIST, JSON.stringify(entries));
    }

    const key = this.#lockKey(hostName, name);
    const token = this.#held.get(key);
    if (token === undefined) {
      throw new Error(`${name} of ${hostName} told without its lock`);
    }

    const toldKey = this.#toldKey(hostName);
    const told = await this.#commands
      .eval(TELL, 3, key, toldKey, CHANNEL, token, writes.length / 2, ...writes, ...messages)
      .catch((error: unknown) => {
        throw redisUnavailable(error);
      });
    if (told !== 1) {
      this.#logger.warn(
        { host: hostName, lock: name },
        'the lock ran out before the change was told; the watching replica will tell it',
      );
    }
  }

  tellJob(event: Omit<SnapshotJobEvent, 'id'>): void {
    const message = JSON.stringify({ from: this.#id, log: 'jobs', event: this.#named(event) });
    // Published as the event target would, but a failure is only logged: a job's report is
    // not worth a mutation, and a rejection nobody handles would end the process.
    this.#commands
      .publish(CHANNEL, message)
      .catch((error: unknown) => this.#logger.warn({ err: error }, 'a job report was not told'));
  }

  onTakeOver(listener: (hostName: string) => void): void {
    this.#takeOverListeners.push(listener);
  }

  async start(refresh: () => Promise<void>): Promise<void> {
    this.#refresh = refresh;
    this.#target.addEventListener(CHANNEL, (event) =>
      this.#receive((event as CustomEvent<Message>).detail),
    );
    // The event target subscribes without waiting; events told from now on must arrive.
    await this.#subscriber.subscribe(CHANNEL);
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
    await this.#keeping;
    // Let go of the leases, so that another replica takes over at once rather than after the TTL.
    for (const hostName of this.#leases.keys()) {
      await this.#commands.eval(RELEASE, 1, this.#leaseKey(hostName), this.#id).catch(() => 0);
    }

    this.#leases.clear();
    await this.#draining;
    this.#subscriber.disconnect();
    this.#commands.disconnect();
  }

  // Renews the leases this replica holds, and takes those nobody holds.
  async #keepLeases(): Promise<void> {
    const ttl = this.#options.leaseTtlMs;
    for (const hostName of this.#options.hostNames) {
      if (this.#closed) {
        return;
      }

      const key = this.#leaseKey(hostName);
      const until = Date.now() + ttl;
      try {
        if (this.#leases.has(hostName)) {
          if ((await this.#commands.eval(RENEW, 1, key, this.#id, ttl)) === 1) {
            this.#leases.set(hostName, until);
          } else {
            this.#leases.delete(hostName);
            this.#logger.warn({ host: hostName }, 'lost the lease: another replica watches');
          }
        } else if ((await this.#commands.set(key, this.#id, 'PX', ttl, 'NX')) === 'OK') {
          this.#leases.set(hostName, until);
          this.#logger.info({ host: hostName }, 'watching the host (this replica holds its lease)');
          for (const listener of this.#takeOverListeners) {
            listener(hostName);
          }
        }
      } catch (error) {
        this.#logger.warn({ err: error, host: hostName }, 'the lease could not be kept');
      }
    }
  }

  // An event from Redis, this replica's own included: into the logs in the order it came.
  #receive(message: Message): void {
    if (message.log !== 'jobs') {
      message.event.occurredAt = new Date(message.event.occurredAt as unknown as string);
    }

    this.#inbox.push(message);
    if (!this.#drainingNow) {
      this.#drainingNow = true;
      this.#draining = this.#drain();
    }
  }

  // Another replica's change reaches subscribers here only once this replica's trees have it:
  // a query made on the event answers with the state after it. Ends (and lets the next event
  // start another drain) in the same step as it finds the inbox empty.
  async #drain(): Promise<void> {
    while (this.#inbox.length > 0) {
      const batch = this.#inbox;
      this.#inbox = [];
      if (batch.some((message) => message.from !== this.#id && message.log !== 'jobs')) {
        await this.#refresh().catch((error: unknown) =>
          this.#logger.warn({ err: error }, 'could not read what another replica changed'),
        );
      }

      for (const message of batch) {
        if (message.log === 'snapshots') {
          this.#events.snapshots.add(message.event);
        } else if (message.log === 'domains') {
          this.#events.domains.add(message.event);
        } else {
          this.#events.jobs.add(message.event);
        }
      }
    }

    this.#drainingNow = false;
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
}
