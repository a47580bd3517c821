import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Connection, Domain } from '../../src/ffi/index.ts';
import {
  domainType,
  qcow2DiskXml,
  removeQemuDomainByName,
  TEST_DOMAIN_PREFIX,
} from './qemu-domain.ts';

/*
 * A running QEMU domain whose memory is not zero, so that saving it takes long enough to
 * watch. An OS-less guest never writes to its RAM, so its memory is zero pages, which QEMU
 * saves almost at once; filling RAM from inside the guest is too slow on this host. So the
 * domain also has an NVDIMM backed by a file of random bytes: guest memory that is not zero
 * from the start, which QEMU saves page by page like any memory in use.
 */

const MIB = 1024 * 1024;
// The domain's own RAM and the NVDIMM beside it: 448 MiB in all, about a second to save.
export const RAM_MIB = 64;
export const NVDIMM_MIB = 384;

const run = promisify(execFile);

/** A running domain with non-zero memory, and how to remove it with its files. */
export interface MemoryDomain {
  domain: Domain;
  name: string;
  directory: string;
  /** Destroys and undefines the domain, with its snapshots, and removes its directory. */
  dispose(): Promise<void>;
}

// A file of `mib` MiB of random bytes: one random MiB written over and over, which QEMU
// cannot tell from fresh randomness (it only skips zero pages).
async function writeRandomFile(path: string, mib: number): Promise<void> {
  const block = randomBytes(MIB);
  const file = await open(path, 'w');
  try {
    for (let written = 0; written < mib; written++) {
      await file.write(block);
    }
  } finally {
    await file.close();
  }
}

// NVDIMMs need ACPI, a NUMA cell and a memory slot under maxMemory. `access='private'`
// keeps the file as it is: whatever the guest wrote would go to QEMU's own copy.
function memoryDomainXml(name: string, diskPath: string, nvdimmPath: string): string {
  return `<domain type='${domainType()}'>
  <name>${name}</name>
  <maxMemory slots='1' unit='MiB'>${2 * (RAM_MIB + NVDIMM_MIB)}</maxMemory>
  <memory unit='MiB'>${RAM_MIB + NVDIMM_MIB}</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type></os>
  <features><acpi/></features>
  <cpu><numa><cell id='0' cpus='0' memory='${RAM_MIB}' unit='MiB'/></numa></cpu>
  <on_crash>destroy</on_crash>
  <devices>
    ${qcow2DiskXml(diskPath)}
    <memory model='nvdimm' access='private'>
      <source><path>${nvdimmPath}</path></source>
      <target><size unit='MiB'>${NVDIMM_MIB}</size><node>0</node></target>
    </memory>
  </devices>
</domain>`;
}

/**
 * Defines and starts a uniquely named domain with non-zero memory on `connection` (a
 * `qemu:///system` one). Whatever was made is removed again when a step fails.
 */
export async function createMemoryDomain(connection: Connection): Promise<MemoryDomain> {
  const name = `${TEST_DOMAIN_PREFIX}${randomBytes(6).toString('hex')}`;
  const parent = existsSync('/var/lib/libvirt/images') ? '/var/lib/libvirt/images' : tmpdir();
  const directory = await mkdtemp(join(parent, `${name}-`));
  let domain: Domain | undefined;
  const dispose = async () => {
    await domain?.free();
    await removeQemuDomainByName(connection, name, directory);
  };

  try {
    const diskPath = join(directory, 'disk.qcow2');
    const nvdimmPath = join(directory, 'nvdimm.img');
    await run('qemu-img', ['create', '-f', 'qcow2', diskPath, '64M']);
    await writeRandomFile(nvdimmPath, NVDIMM_MIB);
    domain = await connection.defineDomain(memoryDomainXml(name, diskPath, nvdimmPath));
    await domain.create();
  } catch (error) {
    await dispose();
    throw error;
  }

  return { domain, name, directory, dispose };
}
