import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';

const START_MS = 30_000;
// How much of a replica's output is kept for a failure to show.
const OUTPUT_KEPT = 8000;

/** A free TCP port on loopback, as the kernel hands one out. */
async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');

  return port;
}

/** Waits for `pattern` in what `child` writes to stdout; its first group, or the whole match. */
function waitForLine(child: ChildProcess, pattern: RegExp, what: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(
      () => reject(new Error(`${what} did not start within ${START_MS} ms:\n${seen}`)),
      START_MS,
    );
    const onData = (chunk: Buffer) => {
      seen += chunk.toString();
      const match = pattern.exec(seen);
      if (match !== null) {
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        resolve(match[1] ?? match[0]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited with ${code} before it was ready:\n${seen}`));
    });
  });
}

/**
 * A redis-server of a test's own (Debian's package), on a free port, keeping nothing on disk.
 * Started again after `stop`, it listens on the same port, empty.
 */
export class RedisServer {
  #process: ChildProcess | undefined;
  #directory: string | undefined;
  #port: number | undefined;
  url = '';

  async start(): Promise<void> {
    this.#port ??= await freePort();
    this.#directory ??= mkdtempSync(join(tmpdir(), 'vsg-redis-'));
    const port = String(this.#port);
    const child = spawn(
      'redis-server',
      ['--port', port, '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { cwd: this.#directory, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    this.#process = child;
    await waitForLine(child, /Ready to accept connections/, 'redis-server');
    child.stdout?.resume();
    this.url = `redis://127.0.0.1:${port}`;
  }

  /** A client of the server, for a test to look at or set keys; disconnect it after. */
  client(): Redis {
    const client = new Redis(this.url);
    // While the server is stopped on purpose, the client only retries.
    client.on('error', () => undefined);

    return client;
  }

  /** Stops the server; its keys are gone. */
  async stop(): Promise<void> {
    const child = this.#process;
    if (child !== undefined && child.exitCode === null && child.signalCode === null) {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    }
  }

  /** Stops the server and removes its folder. */
  async dispose(): Promise<void> {
    await this.stop();
    if (this.#directory !== undefined) {
      rmSync(this.#directory, { recursive: true, force: true });
    }
  }
}

/** One replica of the server in a process of its own, which a test may kill. */
export class Replica {
  readonly #process: ChildProcess;
  readonly url: string;
  readonly origin: string;
  /** Whether a test ended it on purpose ({@link kill} or {@link stop}). */
  ended = false;
  // The end of what the replica wrote, for a test that finds it gone to say why.
  #output = '';

  private constructor(child: ChildProcess, url: string) {
    this.#process = child;
    this.url = url;
    this.origin = new URL(url).origin;
    const keep = (chunk: Buffer) => {
      this.#output = (this.#output + chunk.toString()).slice(-OUTPUT_KEPT);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
  }

  /**
   * Throws, with how the process ended and the end of its output, when the replica has
   * exited though no test ended it, or does not answer /readyz.
   */
  async assertAlive(): Promise<void> {
    const { exitCode, signalCode, pid } = this.#process;
    const failure =
      exitCode !== null || signalCode !== null
        ? `exited (code ${exitCode}, signal ${signalCode})`
        : await fetch(`${this.origin}/readyz`).then(
            () => null,
            (error: unknown) => `does not answer /readyz (${String(error)})`,
          );
    if (failure !== null) {
      throw new Error(`replica ${pid} ${failure}; the end of its output:\n${this.#output}`);
    }
  }

  /** Starts `bin/virt-snapshot-graphql.js` with `args` on a free port; resolves once it serves. */
  static async start(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Replica> {
    const child = spawn(
      process.execPath,
      ['bin/virt-snapshot-graphql.js', '--port', '0', ...args],
      {
        env: {
          ...process.env,
          LOG_FORMAT: 'json',
          LOG_LEVEL: process.env.VSG_REPLICA_LOGS === undefined ? 'warn' : 'debug',
          ...env,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const url = await waitForLine(child, /serving (\S+)/, 'the replica');
    // Read on, so that a full pipe never stops the replica; VSG_REPLICA_LOGS=DIRECTORY keeps
    // what each replica writes, for a failure to be looked into.
    const logs = process.env.VSG_REPLICA_LOGS;
    if (logs !== undefined) {
      const file = createWriteStream(join(logs, `replica-${child.pid}.log`));
      child.stdout?.pipe(file);
      child.stderr?.pipe(file);
    }

    return new Replica(child, url);
  }

  /** Whether the replica says it watches `hostName` (its /readyz). */
  async watches(hostName: string): Promise<boolean> {
    const response = await fetch(`${this.origin}/readyz`);
    const body = (await response.json()) as { hosts: { name: string; watching: boolean }[] };

    return body.hosts.some((host) => host.name === hostName && host.watching);
  }

  /** Whether the replica has a subscriber of the log `log` (its /metrics). */
  async subscribers(log: 'snapshots' | 'domains' | 'jobs'): Promise<boolean> {
    const metrics = await (await fetch(`${this.origin}/metrics`)).text();
    const line = metrics.split('\n').find((l) => l.startsWith(`vsg_subscribers{log="${log}"}`));

    return line !== undefined && Number(line.split(' ').pop()) > 0;
  }

  /** Ends the process at once (SIGKILL): no lease or lock is given back. */
  async kill(): Promise<void> {
    this.ended = true;
    if (this.#process.exitCode === null && this.#process.signalCode === null) {
      this.#process.kill('SIGKILL');
      await once(this.#process, 'exit');
    }
  }

  /** Stops the process as a service manager would: SIGTERM, then SIGKILL after 10 s. */
  async stop(): Promise<void> {
    this.ended = true;
    if (this.#process.exitCode === null && this.#process.signalCode === null) {
      const exited = once(this.#process, 'exit');
      this.#process.kill('SIGTERM');
      const timer = setTimeout(() => this.#process.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
  }
}
