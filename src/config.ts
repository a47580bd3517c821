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
 * `--connect-readonly URI`) and the environment (`LIBVIRT_DEFAULT_URI`, `LOG_LEVEL`).
 */
export function readConfig(argv: string[], env: NodeJS.ProcessEnv): Config {
  const { values } = parseArgs({
    args: argv,
    options: {
      connect: { type: 'string', short: 'c', multiple: true },
      'connect-readonly': { type: 'string', multiple: true },
      'call-threads': { type: 'string' },
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

  return { hosts, callThreads, logLevel: env.LOG_LEVEL || 'info' };
}
