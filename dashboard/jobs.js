/**
 * Creates, reverts and deletes in flight, from `snapshotJobs`: one line each, with a progress
 * bar while libvirt reports the bytes it has moved, kept a few seconds after the job ends.
 */

// How long a finished job stays on screen: long enough to read, longer for a failure.
const KEEP_COMPLETED_MS = 6000;
const KEEP_FAILED_MS = 20_000;

const VERBS = { CREATE: 'Creating', REVERT: 'Reverting to', DELETE: 'Deleting' };

function mebibytes(bytes) {
  return `${(bytes / 2 ** 20).toFixed(bytes < 10 * 2 ** 20 ? 1 : 0)} MiB`;
}

/**
 * @typedef {object} SnapshotJob a report of `snapshotJobs`
 * @property {string} id
 * @property {'CREATE' | 'REVERT' | 'DELETE'} operation
 * @property {'STARTED' | 'RUNNING' | 'COMPLETED' | 'FAILED'} phase
 * @property {string | null} snapshotName
 * @property {number | null} dataTotal
 * @property {number | null} dataProcessed
 * @property {number} elapsedMs
 * @property {string | null} error
 * @property {{ id: string, name: string }} domain
 */

/** The list of jobs, in `container`. */
export class JobsPanel {
  /** @type {HTMLElement} */
  #container;
  /** @type {Map<string, HTMLElement>} */
  #lines = new Map();

  /** @param {HTMLElement} container */
  constructor(container) {
    this.#container = container;
  }

  /**
   * Shows one report: a new line for a new job, the same line for the job's next reports.
   *
   * @param {SnapshotJob} job
   */
  report(job) {
    let line = this.#lines.get(job.id);
    if (line === undefined) {
      line = document.createElement('div');
      line.className = 'job';
      line.dataset.jobId = job.id;
      line.append(
        document.createElement('span'),
        document.createElement('progress'),
        document.createElement('span'),
      );
      line.children[0].className = 'job-title';
      line.children[2].className = 'job-detail';
      this.#lines.set(job.id, line);
      this.#container.append(line);
    }

    this.#fill(line, job);
    this.#container.hidden = this.#lines.size === 0;

    if (job.phase === 'COMPLETED' || job.phase === 'FAILED') {
      setTimeout(
        () => {
          line.remove();
          this.#lines.delete(job.id);
          this.#container.hidden = this.#lines.size === 0;
        },
        job.phase === 'FAILED' ? KEEP_FAILED_MS : KEEP_COMPLETED_MS,
      );
    }
  }

  /**
   * @param {HTMLElement} line
   * @param {SnapshotJob} job
   */
  #fill(line, job) {
    const [title, progress, detail] = line.children;
    const name = job.snapshotName === null ? 'a snapshot' : `“${job.snapshotName}”`;
    title.textContent = `${VERBS[job.operation]} ${name} of ${job.domain.name}`;
    line.dataset.phase = job.phase;
    line.dataset.domainId = job.domain.id;

    const seconds = `${(job.elapsedMs / 1000).toFixed(1)} s`;
    const total = job.dataTotal ?? 0;
    const done = job.phase === 'COMPLETED';
    if (done) {
      progress.max = 1;
      progress.value = 1;
    } else if (total > 0) {
      progress.max = total;
      progress.value = Math.min(job.dataProcessed ?? 0, total);
    } else {
      // Without libvirt's byte counts the bar only says that the job runs.
      progress.removeAttribute('value');
    }

    if (job.phase === 'FAILED') {
      detail.textContent = `failed after ${seconds}: ${job.error ?? 'no reason given'}`;
    } else if (total > 0 && !done) {
      const share = Math.floor(((job.dataProcessed ?? 0) / total) * 100);
      detail.textContent = `${share}% · ${mebibytes(job.dataProcessed ?? 0)} of ${mebibytes(total)} · ${seconds}`;
    } else {
      detail.textContent = `${done ? 'done' : 'running'} · ${seconds}`;
    }
  }
}
