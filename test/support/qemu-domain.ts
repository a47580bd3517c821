import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  type Connection,
  type Domain,
  DomainUndefineFlags,
  DomainXMLFlags,
  ErrorNumber,
  LibvirtError,
  SnapshotDeleteFlags,
  SnapshotListFlags,
} from '../../src/ffi/index.ts';

const run = promisify(execFile);

/** The prefix of every throwaway domain's name, so that a leftover one is easy to spot. */
export const TEST_DOMAIN_PREFIX = 'vsg-test-';

/** The disk every throwaway domain has, as the domain and its snapshots name it. */
export const DISK_TARGET = 'vda';

// libvirt's image directory is readable by QEMU whichever user it runs as; os.tmpdir() is the
// fallback for a host that has none.
const IMAGES_DIRECTORY = '/var/lib/libvirt/images';

/** How a throwaway domain is made. */
export interface QemuDomainOptions {
  /**
   * Start the domain once it is defined.
   * @default false
   */
  start?: boolean;
  /**
   * The domain's memory. An OS-less guest never touches it, so QEMU allocates little of it;
   * a larger one only makes a snapshot with memory take longer.
   * @default 64
   */
  memoryMiB?: number;
}

/**
 * A throwaway domain on a QEMU connection: 64 MiB unless asked otherwise, no OS, one 64 MiB qcow2 disk in a
 * directory of its own. {@link dispose} removes the domain, its snapshots and its files.
 */
export interface QemuDomain {
  /** The domain's handle, freed by {@link dispose}. */
  readonly domain: Domain;
  readonly name: string;
  /** The domain's own directory: its disk and any overlay a test puts next to it. */
  readonly directory: string;
  /** The qcow2 file the domain was defined with. */
  readonly diskPath: string;
  /** Destroys, strips of snapshots and undefines the domain, then removes its files. */
  dispose(): Promise<void>;
}

/** `kvm` where the host offers /dev/kvm, plain emulation (`qemu`) otherwise. */
export function domainType(): 'kvm' | 'qemu' {
  return existsSync('/dev/kvm') ? 'kvm' : 'qemu';
}

/** Creates a qcow2 image of `size` (qemu-img's notation: `64M`) at `path`. */
async function createQcow2(path: string, size = '64M'): Promise<void> {
  await run('qemu-img', ['create', '-f', 'qcow2', path, size]);
}

/**
 * The internal snapshots qemu-img finds in the qcow2 image at `path`: what is on the disk,
 * whatever libvirt's metadata says. `-U` lets it read an image a running domain holds.
 */
export async function diskSnapshotNames(path: string): Promise<string[]> {
  const { stdout } = await run('qemu-img', ['snapshot', '-l', '-U', path]);
  // After two header lines, each row is: ID, TAG, VM SIZE, DATE, VM CLOCK, ICOUNT.
  const rows = stdout.split('\n').slice(2);

  return rows.map((row) => row.trim().split(/\s+/)[1]).filter((tag) => tag !== undefined);
}

/** The domain XML of a throwaway domain: no OS, no network, no graphics, one qcow2 disk. */
function domainXml(name: string, diskPath: string, memoryMiB = 64): string {
  return `<domain type='${domainType()}'>
  <name>${name}</name>
  <memory unit='MiB'>${memoryMiB}</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type></os>
  <on_crash>destroy</on_crash>
  <devices>
    ${qcow2DiskXml(diskPath)}
  </devices>
</domain>`;
}

/** The `<disk>` of a test domain: the qcow2 file at `path`, as its virtio disk DISK_TARGET. */
export function qcow2DiskXml(path: string): string {
  return `<disk type='file' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source file='${path}'/>
      <target dev='${DISK_TARGET}' bus='virtio'/>
    </disk>`;
}

/**
 * Defines a uniquely named throwaway domain on `connection` (a `qemu:///system` one) and,
 * with `start`, starts it. Whatever was made is removed again when a step fails.
 */
export async function createQemuDomain(
  connection: Connection,
  options: QemuDomainOptions = {},
): Promise<QemuDomain> {
  const name = `${TEST_DOMAIN_PREFIX}${randomBytes(6).toString('hex')}`;
  const parent = existsSync(IMAGES_DIRECTORY) ? IMAGES_DIRECTORY : tmpdir();
  const directory = await mkdtemp(join(parent, `${name}-`));
  const diskPath = join(directory, 'disk.qcow2');

  let domain: Domain;
  try {
    await createQcow2(diskPath);
    domain = await connection.defineDomain(domainXml(name, diskPath, options.memoryMiB));
  } catch (error) {
    await rm(directory, { recursive: true, force: true });
    throw error;
  }

  let disposing: Promise<void> | undefined;
  const qemuDomain: QemuDomain = {
    domain,
    name,
    directory,
    diskPath,
    dispose: () => {
      disposing ??= removeDomain(domain, directory);

      return disposing;
    },
  };

  if (options.start) {
    try {
      await domain.create();
    } catch (error) {
      await qemuDomain.dispose();
      throw error;
    }
  }

  return qemuDomain;
}

/**
 * The throwaway domains of one test file: {@link create} makes one, {@link disposeAll} (for
 * `afterEach` or `afterAll`) removes every one made since, even after a failed test.
 */
export class QemuDomains {
  readonly #connection: () => Connection;
  readonly #domains = new Set<QemuDomain>();

  /** `connection` is asked for when a domain is made, so it may be opened in `beforeAll`. */
  constructor(connection: () => Connection) {
    this.#connection = connection;
  }

  /** Makes a throwaway domain that the next {@link disposeAll} removes. */
  async create(options: QemuDomainOptions = {}): Promise<QemuDomain> {
    const qemuDomain = await createQemuDomain(this.#connection(), options);
    this.#domains.add(qemuDomain);

    return qemuDomain;
  }

  /** Removes every domain made since the last call; throws the failures once all were tried. */
  async disposeAll(): Promise<void> {
    const domains = [...this.#domains];
    this.#domains.clear();
    const results = await Promise.allSettled(domains.map((qemuDomain) => qemuDomain.dispose()));
    const failures = results.flatMap((result) =>
      result.status === 'rejected' ? [result.reason] : [],
    );
    if (failures.length > 0) {
      throw new AggregateError(failures, 'a throwaway domain was not removed completely');
    }
  }
}

/**
 * Removes the throwaway domain called `name`, its snapshots and `directory` through
 * `connection`: for a domain whose own handle belongs to a connection that is gone (libvirtd
 * was restarted). Only the directory is left to remove when the domain is already gone.
 */
export async function removeQemuDomainByName(
  connection: Connection,
  name: string,
  directory: string,
): Promise<void> {
  let domain: Domain;
  try {
    domain = await connection.lookupDomainByName(name);
  } catch (error) {
    if (error instanceof LibvirtError && error.code === ErrorNumber.NO_DOMAIN) {
      await rm(directory, { recursive: true, force: true });

      return;
    }

    throw error;
  }

  await removeDomain(domain, directory);
}

// Every step runs even when an earlier one failed, so that as little as possible is left
// behind; the first failure is thrown at the end.
async function removeDomain(domain: Domain, directory: string): Promise<void> {
  const failures: unknown[] = [];
  const attempt = async <T>(step: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await step();
    } catch (error) {
      failures.push(error);

      return undefined;
    }
  };

  if (await attempt(() => domain.isActive())) {
    await attempt(() => domain.destroy());
  }

  const files = (await attempt(() => deleteSnapshots(domain))) ?? [];
  const domainFiles = (await attempt(async () => sourceFiles(await domain.xmlDesc()))) ?? [];
  const inactiveXml = await attempt(() => domain.xmlDesc(DomainXMLFlags.INACTIVE));
  files.push(...domainFiles, ...sourceFiles(inactiveXml ?? ''));

  await attempt(() =>
    domain.undefine(
      DomainUndefineFlags.SNAPSHOTS_METADATA |
        DomainUndefineFlags.MANAGED_SAVE |
        DomainUndefineFlags.CHECKPOINTS_METADATA |
        DomainUndefineFlags.NVRAM,
    ),
  );
  await attempt(() => domain.free());

  for (const file of new Set(files)) {
    await attempt(() => rm(file, { force: true }));
  }
  await attempt(() => rm(directory, { recursive: true, force: true }));

  if (failures.length > 0) {
    throw failures[0];
  }
}

// Deletes the metadata of every snapshot, one at a time: DELETE_CHILDREN can crash
// libvirt 9.0 on a branching tree. Returns the files of the external snapshots, which
// libvirt 9.0 cannot delete itself.
async function deleteSnapshots(domain: Domain): Promise<string[]> {
  const snapshots = await domain.listAllSnapshots(SnapshotListFlags.TOPOLOGICAL);
  const files: string[] = [];
  try {
    for (const snapshot of snapshots.reverse()) {
      files.push(...sourceFiles(await snapshot.xmlDesc()));
      await snapshot.delete(SnapshotDeleteFlags.METADATA_ONLY);
    }
  } finally {
    await Promise.allSettled(snapshots.map((snapshot) => snapshot.free()));
  }

  return files;
}

// The files named by `<source file='…'/>` in a domain or snapshot XML: disks and overlays.
function sourceFiles(xml: string): string[] {
  return [...xml.matchAll(/<source file=(['"])(.*?)\1/g)].flatMap((match) =>
    match[2] === undefined ? [] : [match[2]],
  );
}
