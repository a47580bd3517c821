import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  type Connection,
  type Domain,
  type DomainJobInfo,
  DomainJobStatsFlags,
  DomainState,
  ErrorNumber,
  Libvirt,
  LibvirtError,
  SnapshotCreateFlags,
} from '../../src/ffi/index.ts';
import {
  createMemoryDomain,
  type MemoryDomain,
  NVDIMM_MIB,
  RAM_MIB,
} from '../support/memory-domain.ts';
import { DISK_TARGET, QemuDomains } from '../support/qemu-domain.ts';

/**
 * A domain's job while a snapshot runs, on a real libvirtd with QEMU (`qemu:///system`).
 *
 * An OS-less guest never writes to its RAM, so its memory is zero pages, which QEMU saves
 * almost at once (64 MiB in about 0.2 s here): nothing to watch. Filling RAM from inside the
 * guest is too slow on this host (KVM faults each new page in at about 12 MiB/s). So the
 * domain that shows progress also has an NVDIMM backed by a file of random bytes: guest
 * memory that is not zero from the start, which QEMU saves page by page like any memory in
 * use. virDomainMigrateSetMaxSpeed does not slow a snapshot down: libvirt saves memory to a
 * file at full speed whatever the domain's migration speed.
 */

const URI = 'qemu:///system';
const MIB = 1024 * 1024;
const POLL_INTERVAL_MS = 100;
// libvirt holds a query back while a job forbids queries (its first and last steps), at worst
// until the job ends; more polls in flight than this would only queue behind those.
const MAX_POLLS_IN_FLIGHT = 3;

let libvirt: Libvirt;
let connection: Connection;
const domains = new QemuDomains(() => connection);
const disposers: Array<() => Promise<void>> = [];

beforeAll(async () => {
  libvirt = await Libvirt.start();
  connection = await libvirt.open(URI);
});

afterEach(async () => {
  const results = await Promise.allSettled([
    ...disposers.splice(0).map((dispose) => dispose()),
    domains.disposeAll(),
  ]);
  const failure = results.find((result) => result.status === 'rejected');
  if (failure !== undefined) {
    throw failure.reason;
  }
});

afterAll(async () => {
  await connection?.close();
  await libvirt?.close();
});

/** Defines and starts a throwaway domain with non-zero memory; the test's clean-up removes it. */
async function memoryDomain(): Promise<MemoryDomain> {
  const made = await createMemoryDomain(connection);
  disposers.push(made.dispose);

  return made;
}

function externalSnapshotXml(name: string, directory: string): string {
  return `<domainsnapshot>
  <name>${name}</name>
  <memory snapshot='external' file='${join(directory, `${name}.mem`)}'/>
  <disks>
    <disk name='${DISK_TARGET}' snapshot='external'>
      <source file='${join(directory, `${name}.qcow2`)}'/>
    </disk>
  </disks>
</domainsnapshot>`;
}

/** One answer of jobInfo(), with when it was asked and answered (ms after the operation began). */
interface JobSample {
  askedMs: number;
  answeredMs: number;
  job: DomainJobInfo;
}

interface PolledOperation<T> {
  outcome: PromiseSettledResult<T>;
  finishedMs: number;
  samples: JobSample[];
  /** What the polls that failed threw. */
  pollFailures: unknown[];
}

/**
 * Runs `operation` and asks for the domain's job every POLL_INTERVAL_MS until it settles.
 * Polls do not wait for each other: one that libvirt holds back must not hold up the next.
 * `onSample` sees each answer as it comes.
 */
async function pollJobDuring<T>(
  domain: Domain,
  operation: () => Promise<T>,
  onSample: (sample: JobSample) => void = () => {},
): Promise<PolledOperation<T>> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const samples: JobSample[] = [];
  const pollFailures: unknown[] = [];
  const inFlight = new Set<Promise<void>>();
  const timer = setInterval(() => {
    if (inFlight.size >= MAX_POLLS_IN_FLIGHT) {
      return;
    }

    const askedMs = elapsed();
    const poll = domain
      .jobInfo()
      .then(
        (job) => {
          const sample = { askedMs, answeredMs: elapsed(), job };
          samples.push(sample);
          onSample(sample);
        },
        (error: unknown) => {
          pollFailures.push(error);
        },
      )
      .finally(() => inFlight.delete(poll));
    inFlight.add(poll);
  }, POLL_INTERVAL_MS);

  const [outcome] = await Promise.allSettled([operation()]);
  const finishedMs = elapsed();
  clearInterval(timer);
  await Promise.all(inFlight);

  return { outcome, finishedMs, samples, pollFailures };
}

/** The samples answered while the operation still ran that show a job part-way through. */
function inProgress(polled: PolledOperation<unknown>): DomainJobInfo[] {
  return polled.samples
    .filter(({ answeredMs, job }) => answeredMs < polled.finishedMs && job.type === 'UNBOUNDED')
    .map(({ job }) => job)
    .filter(
      (job) => job.dataTotal > 0 && job.dataProcessed > 0 && job.dataProcessed < job.dataTotal,
    );
}

async function libvirtError(call: Promise<unknown>): Promise<LibvirtError> {
  const error = await call.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(LibvirtError);

  return error as LibvirtError;
}

describe('jobInfo', () => {
  it('reports no job on a running domain that runs none', async () => {
    const { domain } = await domains.create({ start: true });

    expect(await domain.jobInfo()).toEqual({
      type: 'NONE',
      timeElapsedMs: 0,
      timeRemainingMs: 0,
      dataTotal: 0,
      dataProcessed: 0,
      dataRemaining: 0,
      memTotal: 0,
      memProcessed: 0,
      memRemaining: 0,
      fileTotal: 0,
      fileProcessed: 0,
      fileRemaining: 0,
    });
    expect(await domain.jobStats()).toEqual({ type: 'NONE', operation: null, fields: {} });
  });

  it('is refused on a shut-off domain, which QEMU runs no job for', async () => {
    const { domain } = await domains.create();

    const error = await libvirtError(domain.jobInfo());

    expect(error.code).toBe(ErrorNumber.OPERATION_INVALID);
  });

  it('shows a live external snapshot with memory saving the memory while it runs', async () => {
    const { domain, directory } = await memoryDomain();
    const take = async (name: string) => {
      const polled = await pollJobDuring(domain, () =>
        domain.snapshotCreateXML(externalSnapshotXml(name, directory), SnapshotCreateFlags.LIVE),
      );
      expect(polled.outcome.status).toBe('fulfilled');
      expect(polled.pollFailures).toEqual([]);
      if (polled.outcome.status === 'fulfilled') {
        const snapshot = polled.outcome.value;
        disposers.push(() => snapshot.free());
      }

      return polled;
    };

    // On a busy machine the job's first step, which holds queries back to the end, can
    // outlast every poll libvirt takes from one client: then nothing was seen, and one more
    // snapshot is taken. A binding that reads the job wrongly fails both.
    let name = 'live';
    let polled = await take(name);
    if (polled.samples.every(({ answeredMs }) => answeredMs >= polled.finishedMs)) {
      name = 'live-again';
      polled = await take(name);
    }
    const memoryFile = join(directory, `${name}.mem`);
    // Answers that came while virDomainSnapshotCreateXML still blocked its call thread.
    const progress = inProgress(polled);
    expect(progress.length, JSON.stringify(polled.samples)).toBeGreaterThanOrEqual(2);
    for (const job of progress) {
      expect(job.memTotal).toBeGreaterThanOrEqual((RAM_MIB + NVDIMM_MIB) * MIB);
      expect(job.dataTotal).toBe(job.memTotal);
      expect(job.dataProcessed).toBe(job.memProcessed);
      expect(job.timeElapsedMs).toBeGreaterThan(0);
    }
    expect(new Set(progress.map((job) => job.dataProcessed)).size).toBeGreaterThanOrEqual(2);

    expect((await domain.jobInfo()).type).toBe('NONE');
    const completed = await domain.jobStats(DomainJobStatsFlags.COMPLETED);
    expect(completed.type).toBe('COMPLETED');
    expect(completed.operation).toBe('SNAPSHOT');
    // The NVDIMM went out as ordinary pages, not as zero pages.
    expect(completed.fields.memory_normal_bytes).toBeGreaterThanOrEqual(NVDIMM_MIB * MIB);
    expect((await stat(memoryFile)).size).toBeGreaterThanOrEqual(NVDIMM_MIB * MIB);
  });
});

describe('abortJob', () => {
  it('aborts a live snapshot with memory, which then fails and leaves no snapshot', async () => {
    const { domain, directory } = await memoryDomain();
    // The abort's outcome, once a poll has seen memory being saved.
    let aborting: Promise<unknown> | undefined;

    const polled = await pollJobDuring(
      domain,
      () =>
        domain.snapshotCreateXML(
          externalSnapshotXml('aborted', directory),
          SnapshotCreateFlags.LIVE,
        ),
      ({ job }) => {
        if (aborting === undefined && job.type === 'UNBOUNDED' && job.dataProcessed > 0) {
          aborting = domain.abortJob().then(
            () => 'aborted',
            (error: unknown) => error,
          );
        }
      },
    );

    expect(aborting, 'no poll saw the snapshot saving memory').toBeDefined();
    expect(await aborting).toBe('aborted');
    expect(polled.pollFailures).toEqual([]);
    expect(polled.outcome.status).toBe('rejected');
    if (polled.outcome.status === 'rejected') {
      expect(polled.outcome.reason).toBeInstanceOf(LibvirtError);
      expect((polled.outcome.reason as LibvirtError).code).toBe(ErrorNumber.OPERATION_ABORTED);
    }
    expect((await domain.jobInfo()).type).toBe('NONE');
    expect((await domain.state()).state).toBe(DomainState.RUNNING);
    expect(await domain.snapshotNum()).toBe(0);
    expect(existsSync(join(directory, 'aborted.mem'))).toBe(false);
  });

  it('is refused when the domain runs no job', async () => {
    const { domain } = await domains.create({ start: true });

    const error = await libvirtError(domain.abortJob());

    expect(error.code).toBe(ErrorNumber.OPERATION_INVALID);
  });
});
