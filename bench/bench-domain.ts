// Throwaway shut-off domains on qemu:///system for the benchmarks, each filled with a planned
// snapshot tree through REDEFINE: metadata only, no qcow2 snapshot is taken, about a
// millisecond a snapshot. Named `vsg-bench-<size>-<pid>`, so that a run killed before it
// cleaned up is recognised (its pid is gone) and removed by the next one.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  type Connection,
  type Domain,
  type DomainSnapshot,
  DomainUndefineFlags,
  DomainXMLFlags,
  SnapshotCreateFlags,
} from '../src/ffi/index.ts';
import { DISK_TARGET, domainType } from '../test/support/qemu-domain.ts';
import type { PlannedSnapshot, TreePlan } from './tree-shape.ts';

const run = promisify(execFile);

/** The prefix of every benchmark domain's name. */
export const BENCH_DOMAIN_PREFIX = 'vsg-bench-';

const BENCH_NAME = /^vsg-bench-\d+-(\d+)$/;
const IMAGES_DIRECTORY = '/var/lib/libvirt/images';

/** A benchmark domain with its snapshot tree; {@link remove} takes it all away again. */
export interface BenchDomain {
  readonly name: string;
  readonly domain: Domain;
  readonly directory: string;
  /** Undefines the domain with its snapshot metadata and deletes its directory; once. */
  remove(): Promise<void>;
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function domainXml(name: string, diskPath: string): string {
  return `<domain type='${domainType()}'>
  <name>${name}</name>
  <memory unit='MiB'>64</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type></os>
  <devices>
    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source file='${diskPath}'/>
      <target dev='${DISK_TARGET}' bus='virtio'/>
    </disk>
  </devices>
</domain>`;
}

// What virsh snapshot-dumpxml shows of a snapshot of a shut-off domain. REDEFINE refuses a
// document without the domain's XML ("missing domain in snapshot"), so it is embedded.
function snapshotXml(snapshot: PlannedSnapshot, embeddedDomain: string): string {
  const parent = snapshot.parent === null ? '' : `<parent><name>${snapshot.parent}</name></parent>`;
  const description =
    snapshot.description === ''
      ? ''
      : `<description>${escapeXml(snapshot.description)}</description>`;

  return `<domainsnapshot>
  <name>${snapshot.name}</name>${description}
  <state>shutoff</state>${parent}
  <creationTime>${snapshot.creationTime}</creationTime>
  <memory snapshot='no'/>
  <disks><disk name='${DISK_TARGET}' snapshot='internal'/></disks>
  ${embeddedDomain}
</domainsnapshot>`;
}

async function undefineWithSnapshots(domain: Domain): Promise<void> {
  // One call drops every snapshot's metadata: no per-snapshot delete, which is slow on
  // thousands and can crash libvirt 9.0 on a branching tree (VERIFIED.md).
  await domain.undefine(
    DomainUndefineFlags.SNAPSHOTS_METADATA | DomainUndefineFlags.CHECKPOINTS_METADATA,
  );
}

/**
 * Defines the shut-off domain `vsg-bench-<size>-<pid>` on `connection` with a 64 MiB qcow2
 * disk, and redefines every snapshot of `plan` on it, parents first, the plan's current one
 * with REDEFINE_CURRENT. Whatever was made is removed again when a step fails.
 */
export async function createBenchDomain(
  connection: Connection,
  size: number,
  plan: TreePlan,
): Promise<BenchDomain> {
  const name = `${BENCH_DOMAIN_PREFIX}${size}-${process.pid}`;
  const parent = existsSync(IMAGES_DIRECTORY) ? IMAGES_DIRECTORY : tmpdir();
  const directory = await mkdtemp(join(parent, `${name}-`));
  const diskPath = join(directory, 'disk.qcow2');
  let domain: Domain | undefined;
  let removing: Promise<void> | undefined;
  const remove = async () => {
    removing ??= (async () => {
      try {
        if (domain !== undefined) {
          await undefineWithSnapshots(domain);
          await domain.free();
        }
      } finally {
        await rm(directory, { recursive: true, force: true });
      }
    })();

    return removing;
  };

  try {
    await run('qemu-img', ['create', '-f', 'qcow2', diskPath, '64M']);
    domain = await connection.defineDomain(domainXml(name, diskPath));
    const embedded = await domain.xmlDesc(DomainXMLFlags.INACTIVE | DomainXMLFlags.SECURE);
    const frees: Promise<void>[] = [];
    for (const snapshot of plan.snapshots) {
      const current = snapshot.name === plan.current ? SnapshotCreateFlags.CURRENT : 0;
      const created: DomainSnapshot = await domain.snapshotCreateXML(
        snapshotXml(snapshot, embedded),
        SnapshotCreateFlags.REDEFINE | current,
      );
      frees.push(created.free());
    }

    await Promise.all(frees);
  } catch (error) {
    await remove().catch(() => undefined);
    throw error;
  }

  return { name, domain, directory, remove };
}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);

    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the benchmark domains of runs that are gone (their pid no longer runs) and, with
 * `pid`, those of that run too (a run stopped halfway removes its own this way), with their
 * snapshot metadata and their directories. Returns the names of the domains removed.
 */
export async function removeStaleBenchDomains(
  connection: Connection,
  pid?: number,
): Promise<string[]> {
  const stale = (name: string) => {
    const owner = Number(BENCH_NAME.exec(name)?.[1] ?? Number.NaN);

    return !Number.isNaN(owner) && (owner === pid || !processIsAlive(owner));
  };
  const removed: string[] = [];
  for (const domain of await connection.listAllDomains()) {
    try {
      const name = await domain.name();
      if (stale(name)) {
        if (await domain.isActive()) {
          await domain.destroy();
        }

        await undefineWithSnapshots(domain);
        removed.push(name);
      }
    } finally {
      await domain.free();
    }
  }

  // A directory's name is the domain's and a random suffix (mkdtemp).
  for (const parent of [IMAGES_DIRECTORY, tmpdir()]) {
    const entries = await readdir(parent).catch(() => [] as string[]);
    for (const entry of entries) {
      const name = entry.replace(/-[^-]+$/, '');
      if (entry.startsWith(BENCH_DOMAIN_PREFIX) && stale(name)) {
        await rm(join(parent, entry), { recursive: true, force: true });
      }
    }
  }

  return removed;
}
