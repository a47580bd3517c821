import { randomUUID } from 'node:crypto';
import { ApiError } from '../errors.ts';
import type { SnapshotJobEvent, SnapshotJobOperation } from '../events/index.ts';
import type { Host } from './host.ts';

/** How the server follows a snapshot job in libvirt. */
export interface JobOptions {
  /** How often libvirt's job statistics are read while a job runs. */
  pollMs: number;
  /** How long a job may run before it is reported FAILED and the domain released. */
  timeoutMs: number;
}

export const JOB_DEFAULTS: JobOptions = { pollMs: 500, timeoutMs: 600_000 };

// libvirtd may hold a job query back until the job's end (savevm, loadvm) or for a step of
// it: a poll waits on a call thread, so only one is sent at a time, and a call thread stays
// free for an abort (the default four threads hold the job, one poll, and the abort).
const POLLS_IN_FLIGHT = 1;

class JobTimeout extends Error {}

// How long, and how often, the server asks libvirt to abort a job that timed out. libvirt
// refuses while the job has not started yet or is at a step that cannot be aborted, and
// accepts an abort that comes before QEMU has begun to save memory, which QEMU then ignores:
// so the server asks again until the call ends.
const ABORT_TRIES = 100;
const ABORT_RETRY_MS = 50;

/** Asks libvirt to abort the domain's job, again and again, until `running` settles. */
async function abortUntilSettled(host: Host, uuid: string, running: Promise<unknown>) {
  let settled = false;
  const settle = () => {
    settled = true;
  };
  running.then(settle, settle);
  for (let tries = 0; tries < ABORT_TRIES && !settled; tries++) {
    await host.abortJob(uuid).catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, ABORT_RETRY_MS));
  }
}

/** The one domain and snapshot a job is about. */
export interface JobTarget {
  host: Host;
  uuid: string;
  domainName: string;
  operation: SnapshotJobOperation;
  /** Null for a create that lets libvirt choose the name. */
  snapshotName: string | null;
}

/**
 * Runs `work`, one libvirt create, revert or delete (or one delete made one snapshot at a
 * time), as a job subscribers can follow (API.md, snapshotJobs): STARTED, RUNNING with
 * libvirt's byte counts about twice a second while libvirt reports a job, then COMPLETED or
 * FAILED with the error. A job that outlives the host's timeout is reported FAILED, libvirt is
 * asked to abort it, and the caller gets the error at once, so that the domain's lock in the
 * server is released; libvirt's own job may still be finishing.
 */
export async function asJob<T>(
  target: JobTarget,
  work: () => Promise<T>,
  namedBy: (result: T) => string | null = () => target.snapshotName,
): Promise<T> {
  const { host, uuid, operation } = target;
  const { pollMs, timeoutMs } = host.jobOptions;
  const jobId = randomUUID();
  const startedAt = Date.now();
  let finished = false;
  const report = (phase: SnapshotJobEvent['phase'], fields: Partial<SnapshotJobEvent> = {}) => {
    host.feed.tellJob({
      jobId,
      hostName: host.name,
      domainUuid: uuid,
      domainName: target.domainName,
      operation,
      phase,
      snapshotName: target.snapshotName,
      dataTotal: null,
      dataProcessed: null,
      error: null,
      ...fields,
      elapsedMs: Date.now() - startedAt,
    });
  };

  report('STARTED');
  let polling = 0;
  const poll = setInterval(() => {
    if (polling >= POLLS_IN_FLIGHT) {
      return;
    }

    polling += 1;
    host
      .jobInfo(uuid)
      .then((info) => {
        if (finished || (info.type !== 'BOUNDED' && info.type !== 'UNBOUNDED')) {
          return;
        }

        const total = info.dataTotal > 0 ? info.dataTotal : null;
        report('RUNNING', {
          dataTotal: total,
          dataProcessed: total === null ? null : info.dataProcessed,
        });
      })
      // A domain that is not running has no job to report; the job's own call tells the rest.
      .catch(() => undefined)
      .finally(() => {
        polling -= 1;
      });
  }, pollMs);

  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new JobTimeout()), timeoutMs);
  });
  const running = work();
  // After a timeout the call still ends some time; its outcome is no one's to handle then.
  running.catch(() => undefined);
  try {
    const result = await Promise.race([running, timeout]);
    finished = true;
    report('COMPLETED', { snapshotName: namedBy(result) });

    return result;
  } catch (error) {
    finished = true;
    if (!(error instanceof JobTimeout)) {
      report('FAILED', { error: error instanceof Error ? error.message : String(error) });
      throw error;
    }

    void abortUntilSettled(host, uuid, running);
    const message =
      `the ${operation.toLowerCase()} did not finish within ${timeoutMs} ms: the server asked ` +
      'libvirt to abort it and released the domain, but libvirt may still be finishing it; ' +
      'read the snapshots again before you retry';
    report('FAILED', { error: message });
    throw new ApiError('LIBVIRT_ERROR', message);
  } finally {
    clearInterval(poll);
    clearTimeout(timer);
  }
}
