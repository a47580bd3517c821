import { type ChildProcess, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// The unprivileged user the second daemon runs as: a session libvirtd keeps its state under
// its own home and runtime directory, apart from the system daemon's.
const NOBODY = 65534;
const NOGROUP = 65534;
const START_MS = 20_000;

/**
 * A second libvirtd on this machine, beside the system one: a session daemon of the user
 * nobody, with a socket of its own. Its test driver is reached as `uri`
 * (`test+unix:///default?socket=...`), through libvirt's remote protocol, as a remote host is.
 */
export class SecondDaemon {
  readonly directory: string;
  readonly socket: string;
  #process: ChildProcess | undefined;

  constructor() {
    this.directory = mkdtempSync(join(tmpdir(), 'vsg-second-daemon-'));
    mkdirSync(join(this.directory, 'run'));
    for (const path of [this.directory, join(this.directory, 'run')]) {
      chownSync(path, NOBODY, NOGROUP);
    }

    this.socket = join(this.directory, 'run', 'libvirt', 'libvirt-sock');
  }

  /** The daemon's test driver, through the remote driver. */
  get uri(): string {
    return `test+unix:///default?socket=${this.socket}`;
  }

  /** Starts the daemon and waits for its socket; its test driver starts afresh each time. */
  async start(): Promise<void> {
    rmSync(this.socket, { force: true });
    const env = {
      HOME: this.directory,
      XDG_RUNTIME_DIR: join(this.directory, 'run'),
      PATH: '/usr/sbin:/usr/bin:/sbin:/bin',
    };
    const setpriv = [`--reuid=${NOBODY}`, `--regid=${NOGROUP}`, '--clear-groups'];
    const daemon = spawn('setpriv', [...setpriv, 'libvirtd', '--timeout', '0'], {
      env,
      stdio: 'ignore',
    });
    this.#process = daemon;
    const deadline = Date.now() + START_MS;
    while (!existsSync(this.socket)) {
      if (daemon.exitCode !== null || Date.now() > deadline) {
        throw new Error(`the second libvirtd did not start (exit ${daemon.exitCode})`);
      }

      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** Kills the daemon outright, as a crash or a lost machine would end it. */
  async kill(): Promise<void> {
    const daemon = this.#process;
    this.#process = undefined;
    if (daemon === undefined || daemon.exitCode !== null || daemon.signalCode !== null) {
      return;
    }

    const exited = new Promise((resolve) => daemon.once('exit', resolve));
    daemon.kill('SIGKILL');
    await exited;
  }

  /** Kills the daemon and removes its directory. */
  async dispose(): Promise<void> {
    await this.kill();
    rmSync(this.directory, { recursive: true, force: true });
  }
}
