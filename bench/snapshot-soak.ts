// Soak of the binding's ownership: create, list, XML, lookup and delete snapshots on the
// test driver, over and over, and report how resident memory grows per cycle.
//
//   npm run soak -- [cycles] [warm-up cycles]
//
// which runs it with glibc's allocator set to one arena and fixed mmap/trim thresholds
// (MALLOC_ARENA_MAX=1 MALLOC_MMAP_THRESHOLD_=65536 MALLOC_TRIM_THRESHOLD_=65536): otherwise
// the allocator's own per-thread arenas and moving thresholds add tens of bytes a cycle of
// RSS with nothing held, which hides what the soak is for.
//
// Prints one JSON line last, which test/ffi/memory.test.ts reads.
import { type Domain, Libvirt, SnapshotListFlags } from '../src/ffi/index.ts';
import { testDriverFixture } from '../test/support/test-driver.ts';

const cycles = Number(process.argv[2] ?? 100_000);
const warmUp = Number(process.argv[3] ?? 8_000);

// Collects garbage and lets the finalizers that Node defers to later ticks run, so that
// what remains in RSS is what is really held.
async function collectGarbage(libvirt: Libvirt): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) {
    throw new Error('run with node --expose-gc');
  }

  for (let round = 0; round < 5; round++) {
    gc();
    await libvirt.collectGarbage();
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function mebibytes(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(2)} MiB`;
}

async function cycle(domain: Domain, index: number): Promise<void> {
  const name = `soak-${index}`;
  const description = `<description>cycle ${index}</description>`;
  const created = await domain.snapshotCreateXML(
    `<domainsnapshot><name>${name}</name>${description}</domainsnapshot>`,
  );
  const listed = await domain.listAllSnapshots(SnapshotListFlags.TOPOLOGICAL);
  await Promise.all(listed.map((snapshot) => snapshot.free()));
  const xml = await created.xmlDesc();
  if (!xml.includes(name)) {
    throw new Error(`the XML of ${name} does not name it`);
  }

  const found = await domain.snapshotLookupByName(name);
  await found.delete();
  await found.free();
  await created.free();
}

async function run(domain: Domain, from: number, count: number): Promise<void> {
  for (let index = from; index < from + count; index++) {
    await cycle(domain, index);
  }
}

const libvirt = await Libvirt.start({ callThreads: 1 });
// A private test-driver file with one small domain: nothing else shares its state.
const fixture = testDriverFixture([{ name: 'soak' }]);
const connection = await libvirt.open(fixture.uri);
const domain = await connection.lookupDomainByName('soak');

const step = Math.ceil(cycles / 10);
// The warm-up ends as every checkpoint does: cycles, then a collection. The first cycles
// after a collection regrow the heaps it shrank, so a baseline taken right after the first
// collection would count that regrowth as a leak.
await run(domain, 0, warmUp - step);
await collectGarbage(libvirt);
await run(domain, warmUp - step, step);
await collectGarbage(libvirt);
const before = process.memoryUsage().rss;
console.error(`${warmUp} warm-up cycles: RSS ${mebibytes(before)}`);
const checkpoints: Array<{ cycles: number; rssBytes: number }> = [];
let seconds = 0;
for (let done = 0; done < cycles; done += step) {
  const count = Math.min(step, cycles - done);
  const started = performance.now();
  await run(domain, warmUp + done, count);
  seconds += (performance.now() - started) / 1000;
  await collectGarbage(libvirt);
  checkpoints.push({ cycles: done + count, rssBytes: process.memoryUsage().rss });
  console.error(
    `${done + count} cycles: RSS ${(process.memoryUsage().rss / 2 ** 20).toFixed(2)} MiB`,
  );
}
const after = checkpoints.at(-1)?.rssBytes ?? before;

await domain.free();
await libvirt.close();
fixture.dispose();

// The least-squares slope through the baseline and every checkpoint: one checkpoint that
// happens to land high or low moves it far less than it moves the difference of two ends.
function slope(points: Array<{ cycles: number; rssBytes: number }>): number {
  const meanX = points.reduce((sum, point) => sum + point.cycles, 0) / points.length;
  const meanY = points.reduce((sum, point) => sum + point.rssBytes, 0) / points.length;
  const covariance = points.reduce(
    (sum, point) => sum + (point.cycles - meanX) * (point.rssBytes - meanY),
    0,
  );
  const variance = points.reduce((sum, point) => sum + (point.cycles - meanX) ** 2, 0);

  return covariance / variance;
}

const result = {
  cycles,
  warmUp,
  rssBeforeBytes: before,
  rssAfterBytes: after,
  bytesPerCycle: slope([{ cycles: 0, rssBytes: before }, ...checkpoints]),
  endToEndBytesPerCycle: (after - before) / cycles,
  checkpoints,
  cyclesPerSecond: cycles / seconds,
};
console.log(
  `${cycles} cycles after ${warmUp} warm-up: RSS ${(before / 2 ** 20).toFixed(1)} MiB -> ` +
    `${(after / 2 ** 20).toFixed(1)} MiB, ${result.bytesPerCycle.toFixed(2)} bytes/cycle ` +
    `(least squares over ${checkpoints.length} checkpoints), ` +
    `${result.cyclesPerSecond.toFixed(0)} cycles/s`,
);
console.log(JSON.stringify(result));
