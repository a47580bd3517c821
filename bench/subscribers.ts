// Fan-out of snapshot events: N graphql-ws subscribers on loopback, all on one domain, and
// snapshots created through the API; for each subscriber's receipt of a CREATED event, the
// time from the createSnapshot mutation's response.
//
//   npm run bench:subscribers -- [subscribers] [snapshots] [deadline seconds]
//
// (defaults 1000, 20 and 120). After one warm-up snapshot, whose receipts are not counted,
// two phases: a sequential one, each snapshot created once every subscriber has the last,
// for the latencies; then a burst, each mutation sent as soon as the last one returned,
// without waiting for receipts, for the events delivered per second.
//
// Latencies are also given from the instant the server appended the event to its log (a
// filter on the log that takes no event, registered before any client, sees each append
// first) and from the mutation's request, since receipts may come before the response: the
// server publishes inside the mutation, and answers it only after.
//
// The clients run on a worker thread of their own (bench/subscriber-clients.ts), as clients on
// another machine would leave the server's event loop to the server; they share the process,
// so RSS is both sides'. The watcher looks at libvirt once an hour, so the events are the
// API's own.
//
// Stops at the deadline whatever happens, closing every client and the server; exits 1 when
// a phase did not finish or a subscriber failed. Prints one JSON line last.
import { Worker } from 'node:worker_threads';
import pino from 'pino';
import { type Config, LIMIT_DEFAULTS } from '../src/config.ts';
import type { EventLog, SnapshotEvent } from '../src/events/index.ts';
import { createServer } from '../src/server/server.ts';
import { testDriverFixture } from '../test/support/test-driver.ts';
import type { ClientsData, FromClients, ToClients } from './subscriber-clients.ts';

const subscribers = positiveInteger(process.argv[2], 1000, 'subscribers');
const snapshots = positiveInteger(process.argv[3], 20, 'snapshots');
const deadlineMs = positiveInteger(process.argv[4], 120, 'deadline seconds') * 1000;

// Subscribers connect this many at a time: all at once overflows the listener's backlog
// (511), and a refused SYN is retried only a second later.
const CONNECT_BATCH = 100;
// How long closing the clients and the server may run past the deadline before the process
// is ended regardless.
const CLEANUP_GRACE_MS = 15_000;

const CREATE_SNAPSHOT = `mutation BenchCreateSnapshot($domainId: ID!, $name: String!) {
  createSnapshot(input: { domainId: $domainId, name: $name }) { snapshot { name } }
}`;
const DOMAINS = 'query BenchDomains { domains { id name } }';

/** One snapshot the bench created, and when each subscriber received its CREATED. */
interface Creation {
  name: string;
  /** When the mutation was sent; times are absolute, as {@link now} gives them. */
  sentAt: number;
  /** When the server appended the event to its log; NaN until it has. */
  publishedAt: number;
  /** When the mutation's response was read; NaN until then. */
  respondedAt: number;
  /** When each subscriber received the event; empty until every subscriber has. */
  receipts: number[];
}

/** An instant comparable across threads: the worker's receipts and this thread's times. */
function now(): number {
  return performance.timeOrigin + performance.now();
}

/** A wait that the deadline cut short. */
class DeadlineError extends Error {
  override readonly name = 'DeadlineError';
}

function positiveInteger(text: string | undefined, fallback: number, what: string): number {
  const value = Number(text ?? fallback);
  if (!Number.isInteger(value) || value < 1) {
    throw new Error(`${what} must be a whole number of at least 1, not ${text}`);
  }

  return value;
}

const deadline = Date.now() + deadlineMs;
// Whatever hangs, the process ends: this fires only while something still holds it open.
setTimeout(() => {
  console.error(`still running ${CLEANUP_GRACE_MS} ms after the deadline; exiting`);
  process.exit(2);
}, deadlineMs + CLEANUP_GRACE_MS).unref();

const creations = new Map<string, Creation>();
/** Whatever went wrong on a subscriber's side: errors, unexpected ends, closes, repeats. */
const problems: string[] = [];
let otherEvents = 0;

/** Polls until `condition` holds; fails at the deadline, or as soon as a subscriber fails. */
async function waitFor(condition: () => boolean, what: () => string): Promise<void> {
  while (!condition()) {
    if (problems.length > 0) {
      throw new Error(`a subscriber failed while ${what()}: ${problems.slice(0, 5).join('; ')}`);
    }

    if (Date.now() > deadline) {
      throw new DeadlineError(`the deadline passed while ${what()}`);
    }

    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Resolves as `promise` does, or fails when the deadline passes first. */
async function beforeDeadline<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () => reject(new DeadlineError(`the deadline passed while ${what}`)),
      Math.max(0, deadline - Date.now()),
    );
  });
  try {
    return await Promise.race([promise, expired]);
  } finally {
    clearTimeout(timer);
  }
}

async function graphql<R>(url: string, query: string, variables?: object): Promise<R> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: R | null; errors?: unknown[] };
  if (body.errors !== undefined || body.data === undefined || body.data === null) {
    throw new Error(`the operation failed (${response.status}): ${JSON.stringify(body.errors)}`);
  }

  return body.data;
}

/** Creates one snapshot through the API, noting when the mutation was sent and returned. */
async function createSnapshot(url: string, domainId: string, name: string): Promise<Creation> {
  const creation: Creation = {
    name,
    sentAt: now(),
    publishedAt: Number.NaN,
    respondedAt: Number.NaN,
    receipts: [],
  };
  creations.set(name, creation);
  await beforeDeadline(
    graphql(url, CREATE_SNAPSHOT, { domainId, name }),
    `creating snapshot ${name}`,
  );
  creation.respondedAt = now();

  return creation;
}

/**
 * Notes when the log appends each CREATED of the bench's snapshots. The log calls a stream's
 * filter as it appends, one stream after another; this one is registered before any client,
 * so it runs before the event reaches any of them, and it takes nothing.
 */
function notePublications(log: EventLog<SnapshotEvent>): AsyncIterableIterator<SnapshotEvent> {
  return log.stream((event) => {
    const creation = creations.get(event.snapshotName);
    if (event.type === 'CREATED' && creation !== undefined) {
      creation.publishedAt = now();
    }

    return false;
  });
}

/** Starts the clients' thread; its receipts, problems and count of other events land here. */
function startClients(url: string, domainId: string): Worker {
  const data: ClientsData = { url, domainId, subscribers };
  // Node 20 gives a worker none of this thread's module hooks: it registers tsx itself.
  const tsx = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  const module = JSON.stringify(new URL('./subscriber-clients.ts', import.meta.url).href);
  const bootstrap = `import(${tsx}).then((tsx) => { tsx.register(); return import(${module}); })`;
  const worker = new Worker(bootstrap, { eval: true, workerData: data });
  worker.on('message', (message: FromClients) => {
    if (message.type === 'received') {
      const creation = creations.get(message.name);
      if (creation === undefined) {
        otherEvents += subscribers;
      } else {
        creation.receipts = message.receipts;
      }
    } else if (message.type === 'problem') {
      problems.push(message.text);
    } else {
      otherEvents += message.otherEvents;
    }
  });
  worker.on('error', (error) => problems.push(`the clients' thread failed: ${error.message}`));

  return worker;
}

/** Closes every client, then the clients' thread. */
async function closeClients(worker: Worker): Promise<void> {
  const closed = new Promise<void>((resolve) => {
    worker.on('message', (message: FromClients) => {
      if (message.type === 'closed') {
        resolve();
      }
    });
    worker.once('exit', () => resolve());
  });
  worker.postMessage({ type: 'close' } satisfies ToClients);
  await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, CLEANUP_GRACE_MS))]);
  await worker.terminate();
}

/** Opens the clients a batch at a time, each batch once the log counts its subscribers. */
async function subscribeAll(clients: Worker, log: EventLog<SnapshotEvent>): Promise<void> {
  // The log also counts the stream that notes publications.
  const already = log.subscriberCount;
  for (let from = 0; from < subscribers; from += CONNECT_BATCH) {
    const to = Math.min(subscribers, from + CONNECT_BATCH);
    clients.postMessage({ type: 'subscribe', from, to } satisfies ToClients);

    await waitFor(
      () => log.subscriberCount >= already + to,
      () => `subscribing (${log.subscriberCount - already} of ${subscribers} subscribed)`,
    );
  }
}

/** Waits until every subscriber has received `creation`'s event. */
function allReceived(creation: Creation): Promise<void> {
  return waitFor(
    () => creation.receipts.length >= subscribers,
    () => `waiting for ${creation.name} (${creation.receipts.length} of ${subscribers} received)`,
  );
}

/** Creates `count` snapshots, each once every subscriber has received the last one. */
async function sequentialPhase(url: string, domainId: string, count: number) {
  const batch: Creation[] = [];
  for (let index = 0; index < count; index++) {
    const creation = await createSnapshot(url, domainId, `sequential-${index}`);
    batch.push(creation);
    await allReceived(creation);
  }

  return figures(batch);
}

/** Creates `count` snapshots back to back, then waits for every receipt. */
async function burstPhase(url: string, domainId: string, count: number) {
  const batch: Creation[] = [];
  const started = now();
  for (let index = 0; index < count; index++) {
    batch.push(await createSnapshot(url, domainId, `burst-${index}`));
  }
  const mutated = now();
  for (const creation of batch) {
    await allReceived(creation);
  }

  const receipts = subscribers * count;
  const lastReceipt = Math.max(...batch.flatMap((creation) => creation.receipts));
  const seconds = (lastReceipt - started) / 1000;

  return {
    receipts,
    seconds,
    receiptsPerSecond: receipts / seconds,
    mutationsPerSecond: count / ((mutated - started) / 1000),
    ...figures(batch),
  };
}

/** Nearest-rank percentiles and the extremes of `values`, in milliseconds. */
function summary(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (q: number) => sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)] ?? Number.NaN;
  const round = (ms: number) => Math.round(ms * 1000) / 1000;
  const mean = sorted.reduce((sum, value) => sum + value, 0) / sorted.length;

  return {
    count: sorted.length,
    min: round(sorted[0] ?? Number.NaN),
    p50: round(rank(0.5)),
    p99: round(rank(0.99)),
    max: round(sorted.at(-1) ?? Number.NaN),
    mean: round(mean),
  };
}

/** The latencies of a phase's receipts, from each of the three instants, and its mutations. */
function figures(batch: Creation[]) {
  const since = (instant: (creation: Creation) => number) =>
    summary(batch.flatMap((creation) => creation.receipts.map((at) => at - instant(creation))));
  const fanOutMs = summary(batch.map((c) => Math.max(...c.receipts) - c.publishedAt));

  return {
    latencyFromResponseMs: since((creation) => creation.respondedAt),
    latencyFromPublishMs: since((creation) => creation.publishedAt),
    latencyFromRequestMs: since((creation) => creation.sentAt),
    receiptsBeforeResponse: batch.reduce(
      (sum, creation) => sum + creation.receipts.filter((at) => at < creation.respondedAt).length,
      0,
    ),
    /** From the append to the last subscriber's receipt, per snapshot. */
    fanOutMs,
    fanOutReceiptsPerSecond: subscribers / (fanOutMs.p50 / 1000),
    mutationMs: summary(batch.map((creation) => creation.respondedAt - creation.sentAt)),
    publishToResponseMs: summary(batch.map((c) => c.respondedAt - c.publishedAt)),
  };
}

function mebibytes(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}

const fixture = testDriverFixture([{ name: 'bench' }]);
const config: Config = {
  hosts: [{ name: fixture.uri, uri: fixture.uri, readOnly: false }],
  callThreads: 2,
  host: '127.0.0.1',
  port: 0,
  printSchema: false,
  tokens: [],
  ...LIMIT_DEFAULTS,
  watchIntervalMs: 3_600_000,
  sweepIntervalMs: 3_600_000,
  jobTimeoutMs: 600_000,
  jobPollMs: 500,
  redisUrl: null,
  leaseTtlMs: 5000,
  logLevel: 'silent',
};
const server = createServer(config, pino({ level: 'silent' }));
let clients: Worker | undefined;
const result: Record<string, unknown> = { subscribers, snapshots, deadlineMs };
let publications: AsyncIterableIterator<SnapshotEvent> | undefined;
let failure: string | undefined;

try {
  const url = await server.start();
  const log = server.hosts?.events.snapshots;
  if (log === undefined) {
    throw new Error('the server started without hosts');
  }

  const { domains } = await graphql<{ domains: Array<{ id: string; name: string }> }>(url, DOMAINS);
  const domainId = domains.find((domain) => domain.name === 'bench')?.id;
  if (domainId === undefined) {
    throw new Error('the fixture has no domain called bench');
  }

  publications = notePublications(log);
  result.rssIdleBytes = process.memoryUsage().rss;
  const subscribing = performance.now();
  clients = startClients(url, domainId);
  await subscribeAll(clients, log);
  result.subscribeSeconds = (performance.now() - subscribing) / 1000;
  result.rssSubscribedBytes = process.memoryUsage().rss;
  result.heapUsedSubscribedBytes = process.memoryUsage().heapUsed;
  console.error(
    `${subscribers} subscribed in ${(result.subscribeSeconds as number).toFixed(2)} s; RSS ` +
      `${mebibytes(result.rssIdleBytes as number)} idle, ` +
      `${mebibytes(result.rssSubscribedBytes as number)} subscribed`,
  );

  await allReceived(await createSnapshot(url, domainId, 'warm-up'));
  result.sequential = await sequentialPhase(url, domainId, snapshots);
  console.error(`sequential: ${JSON.stringify(result.sequential)}`);
  result.burst = await burstPhase(url, domainId, snapshots);
  result.rssAfterBurstBytes = process.memoryUsage().rss;
  console.error(`burst: ${JSON.stringify(result.burst)}`);
} catch (error) {
  failure = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  console.error(failure);
} finally {
  if (clients !== undefined) {
    await closeClients(clients);
  }
  await publications?.return?.();
  await server.stop();
  fixture.dispose();
}

result.otherEvents = otherEvents;
result.problemCount = problems.length;
result.problems = problems.slice(0, 20);
result.ok = failure === undefined && problems.length === 0;
if (failure !== undefined) {
  result.failure = failure;
}

const sequential = result.sequential as ReturnType<typeof figures> | undefined;
const burst = result.burst as Awaited<ReturnType<typeof burstPhase>> | undefined;
if (sequential !== undefined && burst !== undefined) {
  const latency = sequential.latencyFromResponseMs;
  console.log(
    `${subscribers} subscribers, ${snapshots} snapshots: from the response p50 ` +
      `${latency.p50.toFixed(2)} ms, p99 ${latency.p99.toFixed(2)} ms, max ` +
      `${latency.max.toFixed(2)} ms (from the append p50 ` +
      `${sequential.latencyFromPublishMs.p50.toFixed(2)} ms, max ` +
      `${sequential.latencyFromPublishMs.max.toFixed(2)} ms); burst ` +
      `${burst.receiptsPerSecond.toFixed(0)} receipts/s; RSS ` +
      `${mebibytes(result.rssSubscribedBytes as number)} with ${subscribers} subscribed`,
  );
}
console.log(JSON.stringify(result));
process.exitCode = result.ok ? 0 : 1;
