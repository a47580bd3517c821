// The server's event-loop lag while a snapshot with memory of a running QEMU domain is taken
// and whole-tree queries run beside it, on qemu:///system.
//
//   npm run bench:lag -- [snapshots] [tree size] [query loops]
//
// (defaults 3, 1000 and 2; the script runs this file with node and tsx in production mode and
// with scripts/serve's memory settings, as the server runs). The server runs in this process,
// as `createServer` builds it with the default four call threads, so that
// perf_hooks.monitorEventLoopDelay sees its own event loop; the queries come from a worker
// thread, which has an event loop of its own, two at a time (or as many as asked), without
// pause. Each snapshot is live, its memory saved to an external file, of a domain with 448 MiB
// of non-zero memory (test/support/memory-domain.ts). The lag is
// measured from the mutation's request to its response, snapshot after snapshot; printed:
// p50, p99 and max over all of them, the queries answered meanwhile, and one JSON line.
//
// monitorEventLoopDelay times each interval of its timer, which fires every RESOLUTION_MS:
// on an idle loop it reports about 5.1 ms at every percentile, not 0. The lag is what an
// interval took beyond RESOLUTION_MS; the histogram's own figures are printed too (`raw`).
//
// Everything made (the domains, their snapshots, their files) is removed at the end and on
// failure.

import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import pino from 'pino';
import { type Config, LIMIT_DEFAULTS } from '../src/config.ts';
import { Libvirt } from '../src/ffi/index.ts';
import { createServer } from '../src/server/server.ts';
import { createMemoryDomain, type MemoryDomain } from '../test/support/memory-domain.ts';
import { DISK_TARGET } from '../test/support/qemu-domain.ts';
import { type BenchDomain, createBenchDomain, removeStaleBenchDomains } from './bench-domain.ts';
import { planTree } from './tree-shape.ts';

const URI = 'qemu:///system';
const snapshots = positiveInteger(process.argv[2], 3, 'snapshots');
const treeSize = positiveInteger(process.argv[3], 1000, 'tree size');
const queryLoops = process.argv[4] === '0' ? 0 : positiveInteger(process.argv[4], 2, 'query loops');

function positiveInteger(text: string | undefined, fallback: number, what: string): number {
  const value = text === undefined ? fallback : Number(text);
  if (!Number.isInteger(value) || value < 1) {
    throw new Error(`${what} must be a whole number of at least 1, not ${text}`);
  }

  return value;
}

const WHOLE_TREE = `query BenchWholeTree($name: String!) {
  domain(name: $name) {
    snapshots {
      totalCount
      nodes { id name parent { name } state creationTime description isCurrent }
    }
  }
}`;
const DOMAIN_ID = 'query BenchDomainId($name: String!) { domain(name: $name) { id } }';
const CREATE = `mutation BenchLiveSnapshot($input: CreateSnapshotInput!) {
  createSnapshot(input: $input) { snapshot { name } }
}`;

// The query load: loops of whole-tree queries until told to stop; posts how many it made.
const LOAD = `
const { parentPort, workerData } = require('node:worker_threads');
let running = true;
let answered = 0;
parentPort.on('message', () => { running = false; });
async function loop() {
  while (running) {
    const response = await fetch(workerData.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ query: workerData.query, variables: { name: workerData.name } }),
    });
    const answer = await response.json();
    if (answer.errors !== undefined) throw new Error(JSON.stringify(answer.errors));
    answered += 1;
  }
}
const loops = Array.from({ length: workerData.loops }, loop);
Promise.all(loops).then(() => parentPort.postMessage(answered));
`;

async function graphql<T>(url: string, query: string, variables: object): Promise<T> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  const answer = (await response.json()) as { data?: T; errors?: unknown };
  if (answer.errors !== undefined || answer.data === undefined) {
    throw new Error(`${query.split('(')[0]} failed: ${JSON.stringify(answer.errors)}`);
  }

  return answer.data;
}

const RESOLUTION_MS = 5;

/** How late the timer fired: the interval beyond RESOLUTION_MS, in ms (2 decimals). */
function lateBy(nanoseconds: number): number {
  return Math.max(0, milliseconds(nanoseconds) - RESOLUTION_MS);
}

function milliseconds(nanoseconds: number): number {
  return Math.round(nanoseconds / 1e4) / 100;
}

const config: Config = {
  hosts: [{ name: URI, uri: URI, readOnly: false }],
  callThreads: 4,
  host: '127.0.0.1',
  port: 0,
  printSchema: false,
  tokens: [],
  ...LIMIT_DEFAULTS,
  watchIntervalMs: 1000,
  sweepIntervalMs: 60_000,
  jobTimeoutMs: 600_000,
  jobPollMs: 500,
  redisUrl: null,
  leaseTtlMs: 5000,
  logLevel: 'silent',
};

const libvirt = await Libvirt.start({ callThreads: 2 });
const connection = await libvirt.open(URI);
let tree: BenchDomain | undefined;
let memory: MemoryDomain | undefined;
let load: Worker | undefined;
const server = createServer(config, pino({ level: 'silent' }));
const result: Record<string, unknown> = { snapshots, treeSize, queryLoops };
try {
  await removeStaleBenchDomains(connection);
  tree = await createBenchDomain(connection, treeSize, planTree(treeSize));
  memory = await createMemoryDomain(connection);
  const url = await server.start();
  const domainId = (
    await graphql<{ domain: { id: string } }>(url, DOMAIN_ID, { name: memory.name })
  ).domain.id;
  await graphql(url, WHOLE_TREE, { name: tree.name });

  load = new Worker(LOAD, {
    eval: true,
    workerData: { url, query: WHOLE_TREE, name: tree.name, loops: queryLoops },
  });
  const answered = new Promise<number>((resolve, reject) => {
    load?.once('message', resolve);
    load?.once('error', reject);
  });
  const lag = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  const took: number[] = [];
  for (let index = 1; index <= snapshots; index++) {
    const name = `lag${index}`;
    const started = performance.now();
    lag.enable();
    await graphql(url, CREATE, {
      input: {
        domainId,
        name,
        live: true,
        memory: { mode: 'EXTERNAL', file: join(memory.directory, `${name}.mem`) },
        disks: [
          {
            name: DISK_TARGET,
            mode: 'EXTERNAL',
            driverType: 'qcow2',
            sourceFile: join(memory.directory, `${name}.qcow2`),
          },
        ],
      },
    });
    lag.disable();
    took.push(Math.round(performance.now() - started));
  }
  load.postMessage('stop');
  result.queriesAnswered = await answered;
  result.snapshotMs = took;
  const raw = {
    p50: milliseconds(lag.percentile(50)),
    p99: milliseconds(lag.percentile(99)),
    max: milliseconds(lag.max),
  };
  const late = {
    p50: lateBy(lag.percentile(50)),
    p99: lateBy(lag.percentile(99)),
    max: lateBy(lag.max),
  };
  result.lagMs = late;
  result.rawIntervalMs = raw;
  console.log(
    `event-loop lag during ${snapshots} live snapshots with memory (${took.join(', ')} ms) ` +
      `and ${result.queriesAnswered} whole-tree queries of ${treeSize} snapshots beside them: ` +
      `p50 ${late.p50.toFixed(2)} ms, p99 ${late.p99.toFixed(2)} ms, max ` +
      `${late.max.toFixed(2)} ms (raw intervals of the ${RESOLUTION_MS} ms timer: p50 ` +
      `${raw.p50}, p99 ${raw.p99}, max ${raw.max})`,
  );
} finally {
  await load?.terminate();
  await server.stop();
  await memory?.dispose();
  await tree?.remove();
  await connection.close();
  await libvirt.close();
}
console.log(JSON.stringify(result));
