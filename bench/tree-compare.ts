// A domain's whole snapshot tree three ways, on the same domains of qemu:///system, in one
// run: virsh, a libvirt-python dashboard, and the server over HTTP.
//
//   npm run bench:tree -- [sizes...] [--json FILE] [--cpu-prof DIR]
//
// (sizes default to 100 1000 5000). For each size in turn, a throwaway shut-off domain
// `vsg-bench-<size>-<pid>` (removed before the next size's is made) gets a snapshot tree
// through REDEFINE (metadata only; mostly a long chain with a branch every 10 to 30
// snapshots, one current; bench/tree-shape.ts).
// Then, per size:
//
// - virsh: `virsh -c qemu:///system snapshot-list DOMAIN --tree`, and `--name`, each a new
//   process, timed from spawn to exit;
// - python: bench/python-fetch.py under /usr/bin/python3, connected once, times in its own
//   process the dashboard's fetch (list, current, each XML parsed for name, parent, state,
//   creation time, description), the listing alone, and virDomainSnapshotListNames;
// - the server: `scripts/serve -c qemu:///system --port 0` (as `npm start`), started afresh
//   for each size. The server reads every domain's tree before it serves (so that it knows
//   what changes from then on), so cold, as issue 7 defines it for such a server, runs from
//   start to the first answer: from the server's libvirt connection (the time of its
//   `connected` log line; python's fetch is timed after connecting too) to the parsed JSON
//   of the first whole-tree query. Also shown: that first query alone, and spawn to answer
//   (Node's own start included). Warm is the median of repeated queries, each timed from
//   the request to the parsed JSON. Its RSS (VmRSS) is read right after the warm queries,
//   and again once it has idled for 10 s (settled: V8 has given back their garbage).
//
// Last, the server's libvirt share: the batch a cold read runs (`snapshotListing`: one
// listing, one XML per snapshot, the current one; on four call threads) timed through the
// binding in this process,
// with the libvirt calls it makes, the parse of every XML and the tree's build, and what a
// warm query asks (`snapshotCountAndCurrent`); the rest of a warm query is GraphQL, JSON and
// HTTP. Medians throughout; ratios against the server; a
// pass/fail mark for each target of issue 7 (at 1,000 snapshots). With --json, the results
// are written to FILE; with --cpu-prof, each server writes a V8 CPU profile to DIR.
//
// The domains are removed (with their snapshot metadata and disks) at the end, on Ctrl-C
// and on failure; domains of an earlier run that was killed are removed at the start.
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { type Connection, Libvirt } from '../src/ffi/index.ts';
import { SnapshotTree } from '../src/hosts/snapshot-tree.ts';
import { parseSnapshotXml } from '../src/hosts/snapshot-xml.ts';
import { type BenchDomain, createBenchDomain, removeStaleBenchDomains } from './bench-domain.ts';
import { planTree } from './tree-shape.ts';

const URI = 'qemu:///system';
const SYSTEM_PYTHON = '/usr/bin/python3';
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
// As `npm start` and scripts/start run it (with their memory settings), without installing.
const SERVER_ENTRY = join(ROOT, 'scripts', 'serve');
const PYTHON_FETCH = join(ROOT, 'bench', 'python-fetch.py');
// The whole benchmark stops here whatever happens, cleaning up first.
const DEADLINE_MS = 300_000;
const SERVER_START_MS = 60_000;

const WHOLE_TREE = `query BenchWholeTree($name: String!) {
  domain(name: $name) {
    snapshots(order: TOPOLOGICAL) {
      totalCount
      nodes { id name parent { name } state creationTime description isCurrent }
    }
  }
}`;

interface TreeAnswer {
  data?: {
    domain: {
      snapshots: { totalCount: number; nodes: Array<{ isCurrent: boolean }> };
    } | null;
  };
  errors?: Array<{ message: string }>;
}

interface PythonTimings {
  count: number;
  fetchMs: number[];
  listMs: number[];
  namesMs: number[];
  roots: number;
  current: string | null;
}

/** Everything measured for one size; times in milliseconds, medians unless named. */
interface SizeResult {
  size: number;
  repetitions: number;
  shape: { roots: number; branchPoints: number; depth: number; current: string };
  redefineMs: number;
  virshTree: number;
  virshNames: number;
  pythonFetch: number;
  pythonList: number;
  pythonNames: number;
  /** From the server's libvirt connection (its `connected` log line) to the first answer. */
  serverCold: number;
  /** From the server's readiness (it serves) to the first answer. */
  serverFirstQuery: number;
  serverWarm: number;
  serverSpawnToReady: number;
  serverSpawnToAnswer: number;
  /** VmRSS right after the warm queries. */
  serverRssMiB: number;
  /** VmRSS once the server has been idle for SETTLE_MS after them. */
  serverSettledRssMiB: number;
  responseBytes: number;
  breakdown: {
    /** How many snapshots and which is current: all a warm query asks libvirt. */
    glance: number;
    listing: number;
    libvirtCalls: Record<string, number>;
    parseAll: number;
    buildTree: number;
  };
}

const { values: options, positionals } = parseArgs({
  options: { json: { type: 'string' }, 'cpu-prof': { type: 'string' } },
  allowPositionals: true,
});
const sizes = positionals.length === 0 ? [100, 1000, 5000] : positionals.map(positiveInteger);

function positiveInteger(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) {
    throw new Error(`a size is a whole number of snapshots, not ${text}`);
  }

  return value;
}

/** Fewer repetitions for big trees, so that the whole run stays within a few minutes. */
function repetitionsFor(size: number): number {
  if (size <= 100) {
    return 21;
  }

  return size <= 1000 ? 11 : 5;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);

  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

async function timeRepeated(repetitions: number, step: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let index = 0; index < repetitions; index++) {
    const started = performance.now();
    await step();
    times.push(performance.now() - started);
  }

  return median(times);
}

/** Runs `command` to its end; rejects with its stderr when it fails. */
function runProcess(command: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.once('error', reject);
    child.once('close', (code) => {
      if (code === 0) {
        resolve(Buffer.concat(out).toString());
      } else {
        reject(new Error(`${command} ${args.join(' ')}: ${Buffer.concat(err).toString()}`));
      }
    });
  });
}

/** The server, started as the command starts it, and its address once it serves. */
interface ServerProcess {
  /** The wall-clock time (Date.now) of the server's `connected` log line. */
  connectedAt: number;
  child: ChildProcess;
  url: string;
  spawnedAt: number;
  readyAt: number;
}

async function startServer(): Promise<ServerProcess> {
  const profile = options['cpu-prof'];
  const profiling =
    profile === undefined ? {} : { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${profile}` };
  const spawnedAt = performance.now();
  // scripts/serve execs node, so the child's pid is the server's.
  const child = spawn(SERVER_ENTRY, ['-c', URI, '--port', '0'], {
    // info, for the `connected` line whose time cold is measured from.
    env: { ...process.env, ...profiling, LOG_LEVEL: 'info' },
    stdio: 'pipe',
  });
  servers.add(child);
  child.once('exit', () => servers.delete(child));
  let output = '';
  let connectedAt = Number.NaN;
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`the server did not start:\n${output}`)),
      SERVER_START_MS,
    );
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const connected = /\{[^\n]*"msg":"connected"\}/.exec(output);
      if (connected !== null && Number.isNaN(connectedAt)) {
        connectedAt = (JSON.parse(connected[0]) as { time: number }).time;
      }

      const serving = /virt-snapshot-graphql: serving (\S+)/.exec(output);
      if (serving?.[1] !== undefined) {
        clearTimeout(timer);
        resolve(serving[1]);
      }
    };
    child.stdout?.on('data', read);
    child.stderr?.on('data', read);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the server exited (${code}) before serving:\n${output}`));
    });
  });

  if (Number.isNaN(connectedAt)) {
    throw new Error(`the server logged no "connected" line:\n${output}`);
  }

  return { child, url, spawnedAt, readyAt: performance.now(), connectedAt };
}

async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return;
  }

  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

// How long the server idles before its settled RSS is read: V8 gives back what the warm
// queries' garbage took once allocation stops (its memory reducer), within about ten seconds.
const SETTLE_MS = 10_000;

async function settledResidentMiB(pid: number): Promise<number> {
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));

  return residentMiB(pid);
}

function residentMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? Number.NaN);

  return kib / 1024;
}

/** One whole-tree query over HTTP, checked; resolves to the response's size in bytes. */
async function queryTree(url: string, domainName: string, size: number): Promise<number> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ query: WHOLE_TREE, variables: { name: domainName } }),
  });
  const text = await response.text();
  const answer = JSON.parse(text) as TreeAnswer;
  const snapshots = answer.data?.domain?.snapshots;
  if (answer.errors !== undefined || snapshots === undefined) {
    throw new Error(`the whole-tree query failed: ${text.slice(0, 500)}`);
  }

  const current = snapshots.nodes.filter((node) => node.isCurrent).length;
  if (snapshots.totalCount !== size || snapshots.nodes.length !== size || current !== 1) {
    throw new Error(
      `the server answered ${snapshots.nodes.length} of ${snapshots.totalCount} snapshots ` +
        `(${current} current) for ${domainName}, which has ${size} (1 current)`,
    );
  }

  return text.length;
}

async function measureServer(bench: BenchDomain, size: number, repetitions: number) {
  const server = await startServer();
  try {
    const started = performance.now();
    const responseBytes = await queryTree(server.url, bench.name, size);
    const answeredAt = performance.now();
    const answeredWallClock = Date.now();
    // Warm queries are cheap: five times the repetitions, for a steadier median.
    const warm = await timeRepeated(5 * repetitions, () => queryTree(server.url, bench.name, size));
    const pid = server.child.pid as number;

    return {
      serverCold: answeredWallClock - server.connectedAt,
      serverFirstQuery: answeredAt - started,
      serverWarm: warm,
      serverSpawnToReady: server.readyAt - server.spawnedAt,
      serverSpawnToAnswer: answeredAt - server.spawnedAt,
      serverRssMiB: residentMiB(pid),
      serverSettledRssMiB: await settledResidentMiB(pid),
      responseBytes,
    };
  } finally {
    await stopServer(server.child);
  }
}

async function measurePython(bench: BenchDomain, size: number, repetitions: number) {
  const output = await runProcess(SYSTEM_PYTHON, [
    PYTHON_FETCH,
    URI,
    bench.name,
    String(repetitions),
  ]);
  const timings = JSON.parse(output) as PythonTimings;
  if (timings.count !== size) {
    throw new Error(`python fetched ${timings.count} snapshots of ${size}`);
  }

  return {
    pythonFetch: median(timings.fetchMs),
    pythonList: median(timings.listMs),
    pythonNames: median(timings.namesMs),
    roots: timings.roots,
  };
}

// What the server's query costs in libvirt, parsing and building the tree, measured through
// the same binding in this process (the server's own process cannot be asked).
async function measureBreakdown(libvirt: Libvirt, bench: BenchDomain, repetitions: number) {
  const before = await libvirt.callCounts();
  let listing = await bench.domain.snapshotListing();
  const after = await libvirt.callCounts();
  const libvirtCalls = Object.fromEntries(
    Object.entries(after)
      .map(([name, count]) => [name, count - (before[name] ?? 0)] as const)
      .filter(([, count]) => count > 0),
  );
  const listingMs = await timeRepeated(repetitions, async () => {
    listing = await bench.domain.snapshotListing();
  });
  let documents = listing.snapshots.map(({ xml }) => parseSnapshotXml(xml));
  const parseAll = await timeRepeated(repetitions, async () => {
    documents = listing.snapshots.map(({ xml }) => parseSnapshotXml(xml));
  });
  const buildTree = await timeRepeated(repetitions, async () => {
    new SnapshotTree(documents, listing.current).topological();
  });
  const glance = await timeRepeated(repetitions, () => bench.domain.snapshotCountAndCurrent());

  return { listing: listingMs, libvirtCalls, parseAll, buildTree, glance };
}

async function measureVirsh(bench: BenchDomain, repetitions: number) {
  const virsh = (flag: string) => () =>
    runProcess('virsh', ['-q', '-c', URI, 'snapshot-list', bench.name, flag]);

  return {
    virshTree: await timeRepeated(repetitions, virsh('--tree')),
    virshNames: await timeRepeated(repetitions, virsh('--name')),
  };
}

// Everything this process started and made, so that a failure or Ctrl-C removes it.
const servers = new Set<ChildProcess>();
const benchDomains: BenchDomain[] = [];
let cleaning: Promise<void> | undefined;

function cleanUp(connection: Connection | undefined): Promise<void> {
  cleaning ??= (async () => {
    await Promise.allSettled([...servers].map((child) => stopServer(child)));
    await Promise.allSettled(benchDomains.map((bench) => bench.remove()));
    // Also what was being made when the run was stopped: this run's domains and directories.
    if (connection !== undefined) {
      await removeStaleBenchDomains(connection, process.pid).catch((error: unknown) =>
        console.error('removing this run’s domains failed:', error),
      );
    }
  })();

  return cleaning;
}

const fixed = (value: number, digits = 1) => value.toFixed(digits);
const mark = (pass: boolean) => (pass ? 'PASS' : 'FAIL');

function printTable(results: SizeResult[]): void {
  const header = [
    'size',
    'virsh --tree',
    'virsh --name',
    'py fetch',
    'py list',
    'py names',
    'srv cold',
    '1st query',
    'srv warm',
    'py/warm',
    'virsh/warm',
    'py/cold',
    'warm/pylist',
    'spawn→answer',
    'RSS MiB',
    'settled',
  ];
  const rows = results.map((r) => [
    String(r.size),
    fixed(r.virshTree),
    fixed(r.virshNames),
    fixed(r.pythonFetch),
    fixed(r.pythonList, 2),
    fixed(r.pythonNames, 2),
    fixed(r.serverCold),
    fixed(r.serverFirstQuery),
    fixed(r.serverWarm),
    `${fixed(r.pythonFetch / r.serverWarm, 2)}×`,
    `${fixed(r.virshTree / r.serverWarm, 2)}×`,
    `${fixed(r.pythonFetch / r.serverCold, 2)}×`,
    `${fixed(r.serverWarm / r.pythonList, 1)}×`,
    fixed(r.serverSpawnToAnswer, 0),
    fixed(r.serverRssMiB, 0),
    fixed(r.serverSettledRssMiB, 0),
  ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] as string).length)),
  );
  const line = (cells: string[]) =>
    cells.map((cell, column) => cell.padStart(widths[column] as number)).join('  ');
  console.log(
    '\nMedians in ms; ratios against the server (py/warm = python fetch ÷ warm). srv cold: ' +
      'from the server’s libvirt connection to its first answer (it reads every tree ahead ' +
      'before it serves); 1st query: that answer alone, after it serves.',
  );
  console.log(line(header));
  for (const row of rows) {
    console.log(line(row));
  }

  console.log('\nWhere the time goes (libvirt through the binding, in this process):');
  for (const r of results) {
    const { glance, listing, libvirtCalls, parseAll, buildTree } = r.breakdown;
    const calls = Object.entries(libvirtCalls)
      .map(([name, count]) => `${name.replace(/^vir/, '')} ${count}`)
      .join(', ');
    console.log(
      `  ${r.size}: cold reads listing+XML ${fixed(listing)} ms (${calls}) and parses every ` +
        `XML ${fixed(parseAll)} ms; warm asks libvirt only how many snapshots there are and ` +
        `which is current, ${fixed(glance, 2)} ms, and answers from the tree the watcher keeps ` +
        `(tree ${fixed(buildTree, 2)} ms to build); the rest of warm (GraphQL, JSON ` +
        `${fixed(r.responseBytes / 1024, 0)} KiB, HTTP) ≈ ${fixed(r.serverWarm - glance)} ms`,
    );
  }
}

function printTargets(results: SizeResult[]): Array<{ target: string; pass: boolean }> {
  const at = (size: number) => results.find((r) => r.size === size);
  const checks: Array<{ target: string; value: string; pass: boolean }> = [];
  const thousand = at(1000);
  if (thousand !== undefined) {
    const t = thousand;
    checks.push(
      {
        target: 'warm ≥10× faster than python fetch (1,000)',
        value: `${fixed(t.pythonFetch / t.serverWarm, 2)}×`,
        pass: t.pythonFetch / t.serverWarm >= 10,
      },
      {
        target: 'warm ≥5× faster than virsh --tree (1,000)',
        value: `${fixed(t.virshTree / t.serverWarm, 2)}×`,
        pass: t.virshTree / t.serverWarm >= 5,
      },
      {
        target: 'cold ≥2× faster than python fetch (1,000)',
        value: `${fixed(t.pythonFetch / t.serverCold, 2)}×`,
        pass: t.pythonFetch / t.serverCold >= 2,
      },
      {
        target: 'aim: warm within 3× python’s bare listing (1,000)',
        value: `${fixed(t.serverWarm / t.pythonList, 1)}×`,
        pass: t.serverWarm / t.pythonList <= 3,
      },
    );
  }

  const fiveThousand = at(5000);
  if (thousand !== undefined && fiveThousand !== undefined) {
    const cold = fiveThousand.serverCold / thousand.serverCold;
    const warm = fiveThousand.serverWarm / thousand.serverWarm;
    checks.push(
      { target: '5,000 cold ≤5.5× 1,000 cold', value: `${fixed(cold, 2)}×`, pass: cold <= 5.5 },
      { target: '5,000 warm ≤5.5× 1,000 warm', value: `${fixed(warm, 2)}×`, pass: warm <= 5.5 },
    );
  }

  if (fiveThousand !== undefined) {
    checks.push({
      target: 'server RSS with the 5,000 tree warm < 200 MiB (settled; right after the queries)',
      value:
        `${fixed(fiveThousand.serverSettledRssMiB, 0)} MiB; ` +
        `${fixed(fiveThousand.serverRssMiB, 0)} MiB`,
      pass: fiveThousand.serverSettledRssMiB < 200,
    });
  }

  console.log('\nTargets (issue 7):');
  for (const check of checks) {
    console.log(`  ${mark(check.pass)}  ${check.target}: ${check.value}`);
  }

  if (thousand !== undefined) {
    console.log(
      `  (reference at 1,000: virsh --tree ≈170 ms, here ${fixed(thousand.virshTree)}; ` +
        `python fetch ≈260 ms, here ${fixed(thousand.pythonFetch)}; listing ≈4 ms, here ` +
        `${fixed(thousand.pythonList, 2)})`,
    );
  }

  return checks.map(({ target, pass }) => ({ target, pass }));
}

async function main(): Promise<void> {
  const libvirt = await Libvirt.start({ callThreads: 4 });
  let connection: Connection | undefined;
  const stop = (signal: string) => {
    console.error(`\n${signal}: removing the benchmark domains`);
    void cleanUp(connection).finally(() => process.exit(130));
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
  const deadline = setTimeout(() => {
    console.error(`the benchmark ran past ${DEADLINE_MS / 1000} s; stopping`);
    void cleanUp(connection).finally(() => process.exit(1));
  }, DEADLINE_MS);

  try {
    connection = await libvirt.open(URI);
    const stale = await removeStaleBenchDomains(connection);
    if (stale.length > 0) {
      console.log(`removed domains of an earlier run: ${stale.join(', ')}`);
    }

    // One size at a time, each domain removed before the next is made: the server reads every
    // domain of the host ahead at start-up, and cold should read only the one measured.
    const results: SizeResult[] = [];
    for (const size of sizes) {
      const plan = planTree(size);
      const started = performance.now();
      const bench = await createBenchDomain(connection, size, plan);
      benchDomains.push(bench);
      const redefineMs = performance.now() - started;
      console.log(
        `${bench.name}: ${size} snapshots redefined in ${fixed(redefineMs / 1000, 1)} s ` +
          `(${fixed(redefineMs / size, 2)} ms each); ${plan.branchPoints} branch points, ` +
          `depth ${plan.depth}, current ${plan.current}`,
      );
      const repetitions = repetitionsFor(size);
      console.log(`measuring ${size} (${repetitions} repetitions each)…`);
      const virsh = await measureVirsh(bench, repetitions);
      const python = await measurePython(bench, size, repetitions);
      const server = await measureServer(bench, size, repetitions);
      const breakdown = await measureBreakdown(libvirt, bench, repetitions);
      await bench.remove();
      results.push({
        size,
        repetitions,
        shape: {
          roots: python.roots,
          branchPoints: plan.branchPoints,
          depth: plan.depth,
          current: plan.current,
        },
        redefineMs,
        ...virsh,
        pythonFetch: python.pythonFetch,
        pythonList: python.pythonList,
        pythonNames: python.pythonNames,
        ...server,
        breakdown,
      });
    }

    printTable(results);
    const targets = printTargets(results);
    if (options.json !== undefined) {
      const document = { uri: URI, date: new Date().toISOString(), results, targets };
      writeFileSync(options.json, `${JSON.stringify(document, null, 2)}\n`);
      console.log(`\nresults written to ${options.json}`);
    }
  } finally {
    clearTimeout(deadline);
    await cleanUp(connection);
    await connection?.close().catch(() => undefined);
    await libvirt.close();
  }
}

await main();
