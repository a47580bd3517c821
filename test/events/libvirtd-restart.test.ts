import { execFile, spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Connection, Libvirt } from '../../src/ffi/index.ts';
import { startTestServer, type TestServer } from '../support/graphql-server.ts';
import {
  createQemuDomain,
  type QemuDomain,
  removeQemuDomainByName,
} from '../support/qemu-domain.ts';
import {
  type Subscriber,
  sseSubscribe,
  until,
  type WsClient,
  wsClient,
} from '../support/subscription-clients.ts';
import {
  RestartCreateDocument,
  RestartDomainDocument,
  RestartDomainEventsDocument,
  type RestartDomainEventsSubscription,
  RestartHostsDocument,
  RestartSnapshotEventsDocument,
  type RestartSnapshotEventsSubscription,
} from './libvirtd-restart.generated.ts';

/**
 * Snapshot events across a restart of libvirtd. This file stops the daemon every other
 * libvirtd test uses, so vitest runs it in a group of its own ('disruptive'), after all the
 * others; libvirtd is running again when it ends, whether it passed or not.
 */

const URI = 'qemu:///system';
const run = promisify(execFile);

/** The server's default: how often the watcher compares each domain with libvirt. */
const WATCH_INTERVAL_MS = 1000;
/**
 * How long the server may take to notice the daemon is gone: the close callback on EOF should
 * be quick; keep-alive (a probe every 5 s, 3 unanswered) is the slow way.
 */
const NOTICE_DEADLINE_MS = 25_000;
/** How long libvirtd may take to stop, or to answer once started. */
const DAEMON_DEADLINE_MS = 30_000;
/** The backoff doubles from 1 s: the attempts at 1, 3, 7, 15 and 31 s cover a slow restart. */
const RECONNECT_DEADLINE_MS = 40_000;
/** The contract's 2 seconds for a change made elsewhere, with a margin for a loaded machine. */
const EXTERNAL_DEADLINE_MS = 4000;
/** Long enough for the watcher to look twice: whatever it would send twice has come by then. */
const QUIET_MS = 2 * WATCH_INTERVAL_MS + 500;

type SnapshotEvent = RestartSnapshotEventsSubscription['snapshotEvents'];

let libvirt: Libvirt;
let connection: Connection;
let server: TestServer;
let qemuDomain: QemuDomain;

beforeAll(async () => {
  libvirt = await Libvirt.start({ callThreads: 2 });
  connection = await libvirt.open(URI);
  server = await startTestServer({ uris: [URI], watchIntervalMs: WATCH_INTERVAL_MS });
  qemuDomain = await createQemuDomain(connection);
});

afterAll(async () => {
  try {
    // Whatever happened above, the daemon runs again for what comes after this file.
    await ensureLibvirtd();
    // The domain's handle belongs to a connection the restart closed: remove it through a
    // new one.
    const fresh = await libvirt.open(URI);
    try {
      if (qemuDomain !== undefined) {
        await removeQemuDomainByName(fresh, qemuDomain.name, qemuDomain.directory);
      }
    } finally {
      await fresh.close();
    }
  } finally {
    await qemuDomain?.domain.free().catch(() => undefined);
    await connection?.close().catch(() => undefined);
    await server?.stop();
    await libvirt?.close();
  }
}, 90_000);

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `check` until it holds; fails after `timeoutMs`. Resolves to how long it took. */
async function eventually(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs: number,
): Promise<number> {
  const started = performance.now();
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) {
      throw new Error(`${what} did not happen within ${timeoutMs} ms`);
    }

    await sleep(100);
  }

  return Math.round(performance.now() - started);
}

/** libvirtd's process id, or null when it is not running. */
async function libvirtdPid(): Promise<number | null> {
  try {
    const { stdout } = await run('pgrep', ['-x', 'libvirtd']);

    return Number(stdout.trim().split('\n')[0]);
  } catch {
    return null;
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);

    return true;
  } catch {
    return false;
  }
}

/** Whether `qemu:///system` answers. */
async function answers(): Promise<boolean> {
  try {
    await run('virsh', ['-c', URI, 'uri'], { timeout: 5000 });

    return true;
  } catch {
    return false;
  }
}

/** Stops libvirtd (SIGTERM to its process, as `pkill -x libvirtd` sends) and waits until it is gone. */
async function stopLibvirtd(): Promise<void> {
  const pid = await libvirtdPid();
  if (pid === null) {
    throw new Error('libvirtd is not running');
  }

  process.kill(pid, 'SIGTERM');
  await eventually('libvirtd stopping', async () => !isRunning(pid), DAEMON_DEADLINE_MS);
}

/** Starts libvirtd as a daemon (`libvirtd -d`) and waits until `qemu:///system` answers. */
async function startLibvirtd(): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    // The daemon forks into the background; the command itself exits at once.
    const child = spawn('libvirtd', ['-d'], { stdio: 'ignore' });
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`libvirtd -d exited with ${code}`)),
    );
  });
  await eventually('qemu:///system answering', answers, DAEMON_DEADLINE_MS);
}

/** Starts libvirtd unless it is running and answering. */
async function ensureLibvirtd(): Promise<void> {
  if (await answers()) {
    return;
  }

  const pid = await libvirtdPid();
  if (pid !== null) {
    // Still shutting down, or starting: wait for either to finish.
    await eventually('libvirtd settling', async () => !isRunning(pid) || answers(), 30_000);
    if (await answers()) {
      return;
    }
  }

  await startLibvirtd();
}

async function readyStatus(): Promise<number> {
  const response = await fetch(`${server.origin}/readyz`);
  await response.body?.cancel();

  return response.status;
}

async function hostConnected(): Promise<boolean> {
  const [host] = (await server.data(RestartHostsDocument)).hosts;

  return host?.connected ?? false;
}

async function virsh(...args: string[]): Promise<void> {
  await run('virsh', ['-c', URI, ...args]);
}

function brief(event: SnapshotEvent) {
  return { type: event.type, origin: event.origin, snapshotName: event.snapshotName };
}

/** The next event of every subscriber, each as compared. */
async function nextOfEach(
  subscribers: Array<Subscriber<RestartSnapshotEventsSubscription>>,
  timeoutMs: number,
) {
  return Promise.all(
    subscribers.map(async (subscriber) =>
      brief((await subscriber.nextData(timeoutMs)).snapshotEvents),
    ),
  );
}

describe('a libvirtd restart', () => {
  it('keeps subscribers, reconnects and sends the change made meanwhile once, as EXTERNAL', async ({
    annotate,
  }) => {
    const domain = (await server.data(RestartDomainDocument, { name: qemuDomain.name })).domain;
    const [host] = (await server.data(RestartHostsDocument)).hosts;
    if (domain === null || domain === undefined || host === undefined) {
      throw new Error('the server lists neither the host nor the throwaway domain');
    }

    const client: WsClient = wsClient(server.url);
    const ws = client.subscribe(RestartSnapshotEventsDocument, { domainId: domain.id });
    const sse = await sseSubscribe(server.url, RestartSnapshotEventsDocument, {
      domainId: domain.id,
    });
    try {
      const hostEvents: Subscriber<RestartDomainEventsSubscription> = client.subscribe(
        RestartDomainEventsDocument,
        { hostId: host.id },
      );
      await until(() => server.hosts.events.snapshots.subscriberCount === 2);
      await until(() => server.hosts.events.domains.subscriberCount === 1);
      const both = [ws, sse];

      // The first change, through the server.
      await server.data(RestartCreateDocument, { domainId: domain.id, name: 'before' });
      expect(await nextOfEach(both, 1000)).toEqual(
        both.map(() => ({ type: 'CREATED', origin: 'API', snapshotName: 'before' })),
      );

      // libvirtd goes away: the server notices, not ready, the host not connected.
      const stopping = performance.now();
      await stopLibvirtd();
      const gone = performance.now();
      await eventually(
        '/readyz 503',
        async () => (await readyStatus()) === 503,
        NOTICE_DEADLINE_MS,
      );
      const noticedMs = Math.round(performance.now() - gone);
      expect(await hostConnected()).toBe(false);
      // A change asked for meanwhile is refused and sends nothing.
      expect(
        await server.errorCode(RestartCreateDocument, { domainId: domain.id, name: 'refused' }),
      ).toBe('UNAVAILABLE');

      // It comes back; virsh takes a snapshot before the server has reconnected, most likely
      // (its first attempts come 1 s and 3 s after the loss).
      await startLibvirtd();
      const restarted = performance.now();
      await virsh('snapshot-create-as', qemuDomain.name, 'during');
      const connectedAtChange = server.hosts.list()[0]?.connected;
      await eventually(
        '/readyz 200',
        async () => (await readyStatus()) === 200,
        RECONNECT_DEADLINE_MS,
      );
      const reconnected = performance.now();
      expect(await hostConnected()).toBe(true);

      // The change made meanwhile, once, as EXTERNAL; then a change through the server again.
      expect(await nextOfEach(both, EXTERNAL_DEADLINE_MS)).toEqual(
        both.map(() => ({ type: 'CREATED', origin: 'EXTERNAL', snapshotName: 'during' })),
      );
      const duringLatencyMs = Math.round(performance.now() - reconnected);
      // A query sent on that event answers with the state after it.
      const afterEvent = await server.data(RestartDomainDocument, { name: qemuDomain.name });
      expect(afterEvent.domain?.snapshots.nodes.map((node) => node.name).sort()).toEqual([
        'before',
        'during',
      ]);
      await server.data(RestartCreateDocument, { domainId: domain.id, name: 'after' });
      expect(await nextOfEach(both, 1000)).toEqual(
        both.map(() => ({ type: 'CREATED', origin: 'API', snapshotName: 'after' })),
      );

      // A change by virsh on the new connection: its lifecycle event, registered again, makes
      // the watcher look at once (the latency in the note), or the next tick does.
      const reverting = performance.now();
      await virsh('snapshot-revert', qemuDomain.name, 'before');
      const reverted = performance.now();
      expect(await nextOfEach(both, EXTERNAL_DEADLINE_MS)).toEqual(
        both.map(() => ({ type: 'REVERTED', origin: 'EXTERNAL', snapshotName: 'before' })),
      );
      const revertLatencyMs = Math.round(performance.now() - reverted);

      // Nothing twice; both subscriptions still open; the host's loss and return reported.
      await Promise.all(both.map((subscriber) => subscriber.nothingWithin(QUIET_MS)));
      expect(client.closeCodes).toEqual([]);
      const hostTypes: string[] = [];
      for (;;) {
        const result = await hostEvents.nextData(100).catch(() => null);
        if (result === null) {
          break;
        }

        hostTypes.push(result.domainEvents.type);
      }
      expect(hostTypes.filter((type) => type.startsWith('HOST_'))).toEqual([
        'HOST_DISCONNECTED',
        'HOST_CONNECTED',
      ]);

      await annotate(
        `libvirtd took ${Math.round(gone - stopping)} ms to stop; /readyz 503 ${noticedMs} ms ` +
          `after it was gone; /readyz 200 ${Math.round(reconnected - restarted)} ms after it ` +
          `answered again (connected when virsh took the snapshot: ${connectedAtChange}); the ` +
          `snapshot taken meanwhile arrived ${duringLatencyMs} ms after /readyz 200; a revert by ` +
          `virsh arrived ${revertLatencyMs} ms after it returned (virsh ran ` +
          `${Math.round(reverted - reverting)} ms)`,
      );
    } finally {
      sse.unsubscribe();
      await client.dispose();
    }
  }, 90_000);
});
