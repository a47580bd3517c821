import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Events } from '../../src/events/events.ts';
import { LocalFeed } from '../../src/events/feed.ts';
import { SnapshotWatcher } from '../../src/events/watcher.ts';
import { type Connection, Libvirt } from '../../src/ffi/index.ts';
import { Host } from '../../src/hosts/host.ts';
import { createQemuDomain, type QemuDomain } from '../support/qemu-domain.ts';

/**
 * The watcher's refresh (what another replica's event names) of a domain undefined while it
 * is read: it looks at the whole host instead, and whoever waits for their turn meanwhile
 * is not handed the failure (once an unhandled rejection that ended a replica).
 */

const URI = 'qemu:///system';

describe('SnapshotWatcher.refresh on libvirtd with QEMU', () => {
  let libvirt: Libvirt;
  let connection: Connection;
  let host: Host;
  let watcher: SnapshotWatcher;
  let made: QemuDomain | undefined;
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);

  beforeAll(async () => {
    process.on('unhandledRejection', onUnhandled);
    libvirt = await Libvirt.start({ callThreads: 2 });
    connection = await libvirt.open(URI);
  });

  afterAll(async () => {
    process.off('unhandledRejection', onUnhandled);
    await watcher?.stop();
    await host?.close();
    await made?.dispose();
    await connection?.close();
    await libvirt?.close();
  });

  it('looks at the whole host when the domain is undefined during the read', async () => {
    const domain = await createQemuDomain(connection);
    made = domain;
    const uuid = await domain.domain.uuid();
    const logger = pino({ level: 'silent' });
    const feed = new LocalFeed(new Events());
    host = new Host(libvirt, { name: URI, uri: URI, readOnly: false }, logger, feed);
    await host.connect();
    watcher = new SnapshotWatcher([host], feed, logger, { intervalMs: 3_600_000 });
    await watcher.start();

    // The domain is found, then undefined in libvirt before the watcher reads its snapshots.
    const find = host.domainByUuid.bind(host);
    host.domainByUuid = async (wanted: string) => {
      const found = await find(wanted);
      if (wanted === uuid && made !== undefined) {
        const gone = made;
        made = undefined;
        await gone.dispose();
      }

      return found;
    };

    const refreshed = watcher.refresh([{ hostName: URI, uuid, full: false }]);
    const waiting = watcher.lookNow();
    await expect(refreshed).resolves.toBeUndefined();
    await expect(waiting).resolves.toBeUndefined();
    expect(made).toBeUndefined();
    expect(await find(uuid)).toBeNull();
    // A turn for any rejection nobody handled to be reported.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(unhandled).toEqual([]);
  });

  it('gives a failed refresh to its caller, not to the look waiting for its turn', async () => {
    const find = host.domainByUuid.bind(host);
    // As when the connection drops in the middle of the refresh.
    host.domainByUuid = async () => {
      throw new Error('the connection went away');
    };
    try {
      const refreshed = watcher.refresh([{ hostName: URI, uuid: 'any', full: false }]);
      const waiting = watcher.lookNow();
      await expect(refreshed).rejects.toThrow('the connection went away');
      await expect(waiting).resolves.toBeUndefined();
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(unhandled).toEqual([]);
    } finally {
      host.domainByUuid = find;
    }
  });
});
