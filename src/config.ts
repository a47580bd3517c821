import { parseArgs } from 'node:util';

/** One libvirt host the server connects to. */
export interface HostConfig {
  /** As the command line or config file names it; the URI when none was given. */
  name: string;
  uri: string;
  readOnly: boolean;
}

/** The server's configuration, read once at start-up (flags over environment over defaults). */
export interface Config {
  hosts: HostConfig[];
  /** How many call threads run libvirt calls. */
  callThreads: number;
  /** The address to listen on. */
  host: string;
  /** The port to listen on; 0 picks a free one. */
  port: number;
  /** Print the schema and exit instead of serving. */
  printSchema: boolean;
  /** The largest page a connection returns. */
  pageSizeCap: number;
  /** How often the watcher compares snapshot names and current snapshots with libvirt. */
  watchIntervalMs: number;
  /** How often the watcher re-reads every snapshot's XML. */
  sweepIntervalMs: number;
  logLevel: string;
}

/** The built-in test driver: a fresh checkout runs with no daemon. */
export const DEFAULT_URI = 'test:///default';

/** A command line the server cannot run with. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/**
 * Reads the configuration from the command line (`-c|--connect URI`, repeatable;
 * `--connect-readonly URI`, `--host`, `--port`, `--print-schema`) and the environment
 * (`LIBVIRT_DEFAULT_URI`, `HOST`, `PORT`, `LOG_LEVEL`); flags win.
 */
export function readConfig(argv: string[], env: NodeJS.ProcessEnv): Config {
  const { values } = parseArgs({
    args: argv,
    options: {
      connect: { type: 'string', short: 'c', multiple: true },
      'connect-readonly': { type: 'string', multiple: true },
      'call-threads': { type: 'string' },
      host: { type: 'string' },
      port: { type: 'string' },
      'print-schema': { type: 'boolean' },
      'watch-interval': { type: 'string' },
      'sweep-interval': { type: 'string' },
    },
    strict: true,
    allowPositionals: false,
  });

  const writable = values.connect ?? [];
  const readOnly = values['connect-readonly'] ?? [];
  const hosts = [
    ...writable.map((uri) => ({ name: uri, uri, readOnly: false })),
    ...readOnly.map((uri) => ({ name: uri, uri, readOnly: true })),
  ];
  if (hosts.length === 0) {
    const uri = env.LIBVIRT_DEFAULT_URI || DEFAULT_URI;
    hosts.push({ name: uri, uri, readOnly: false });
  }

  const callThreads = Number(values['call-threads'] ?? 4);
  if (!Number.isInteger(callThreads) || callThreads < 1) {
    throw new ConfigError(
      `--call-threads must be a whole number of at least 1, not ${callThreads}`,
    );
  }

  const port = Number(values.port ?? env.PORT ?? 4000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError(`--port must be a port number, not ${values.port ?? env.PORT}`);
  }

  const watchIntervalMs = milliseconds('--watch-interval', values['watch-interval'], 1000);
  const sweepIntervalMs = milliseconds('--sweep-interval', values['sweep-interval'], 60_000);

  return {
    hosts,
    watchIntervalMs,
    sweepIntervalMs,
    callThreads,
    host: values.host ?? env.HOST ?? '127.0.0.1',
    port,
    printSchema: values['print-schema'] ?? false,
    pageSizeCap: 10_000,
    logLevel: env.LOG_LEVEL || 'info',
  };
}

function milliseconds(flag: string, value: string | undefined, fallback: number): number {
  const parsed = Number(value ?? fallback);
  if (!Number.isInteger(parsed) || parsed < 10) {
    throw new ConfigError(`${flag} must be a whole number of milliseconds, at least 10`);
  }

  return parsed;
}
