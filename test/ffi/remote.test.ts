import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatVersion, type Libvirt } from '../../src/ffi/index.ts';
import { startBinding } from '../support/binding.ts';

// The calls that only a remote connection (libvirtd) answers: keep-alive runs on the
// binding's event loop, and the close callback is kept by the remote driver.
describe('a connection to libvirtd', () => {
  let libvirt: Libvirt;

  beforeAll(async () => {
    libvirt = await startBinding(2);
  });

  afterAll(async () => {
    await libvirt.close();
  });

  it('reports the QEMU driver and its versions', async () => {
    const connection = await libvirt.open('qemu:///system');

    expect(await connection.type()).toBe('QEMU');
    expect(formatVersion(await connection.libVersion())).toMatch(/^\d+\.\d+\.\d+$/);
    expect(await connection.hypervisorVersion()).toBeGreaterThan(0);
    expect(await connection.uri()).toBe('qemu:///system');
    expect(await connection.isAlive()).toBe(true);
    await connection.close();
  });

  it('sends keep-alive probes through the event loop', async () => {
    const connection = await libvirt.open('qemu:///system');

    expect(await connection.setKeepAlive(1, 3)).toBe(true);
    // Several intervals pass: the loop thread answers the daemon's probes, so it stays open.
    await new Promise((resolve) => setTimeout(resolve, 3_500));
    expect(await connection.isAlive()).toBe(true);
    await connection.close();
  });

  it('registers a close callback that a close by the client does not call', async () => {
    const connection = await libvirt.open('qemu:///system');
    const reasons: number[] = [];
    await connection.onClose((reason) => reasons.push(reason));

    await connection.close();
    await new Promise((resolve) => setTimeout(resolve, 200));

    expect(reasons).toEqual([]);
  });

  it('opens a read-only connection', async () => {
    const connection = await libvirt.open('qemu:///system', { readOnly: true });

    const domains = await connection.listAllDomains();

    expect(await connection.isAlive()).toBe(true);
    expect(Array.isArray(domains)).toBe(true);
    await Promise.all(domains.map((domain) => domain.free()));
    await connection.close();
  });
});
