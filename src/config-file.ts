import { readFileSync } from 'node:fs';
import { dirname, extname, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { type TokenConfig, TokenListError, tokenConfig } from './server/tokens.ts';

/** How the server keeps a host's connection checked: libvirt's keep-alive probes. */
export interface KeepAliveConfig {
  /** Seconds between probes. */
  interval: number;
  /** Unanswered probes after which libvirt closes the connection. */
  count: number;
}

/** A host as the config file describes it. */
export interface FileHost {
  name: string;
  uri: string;
  readOnly: boolean;
  /** null: no keep-alive; undefined: the default (see HostConfig). */
  keepAlive?: KeepAliveConfig | null;
}

/**
 * What a config file sets: its hosts and tokens, and every other setting under the name of
 * the command-line flag that sets it too (`watch-interval`, `max-depth`, `cors-origin`), as
 * the flag's text would give it, so that one reading serves both and a flag can override.
 */
export interface FileConfig {
  hosts: FileHost[] | undefined;
  tokens: TokenConfig[];
  flags: Record<string, string | string[]>;
}

/** A config file that cannot be used; the message names the file and the setting. */
export class ConfigFileError extends Error {
  override readonly name = 'ConfigFileError';
}

// The file's keys and the flag each stands for; a number of milliseconds or a count is given
// as a number, a list of origins as a list.
const SCALARS: Record<string, string> = {
  listen: 'host',
  port: 'port',
  callThreads: 'call-threads',
  tokensFile: 'tokens-file',
  watchInterval: 'watch-interval',
  sweepInterval: 'sweep-interval',
  jobTimeout: 'job-timeout',
  jobPollInterval: 'job-poll-interval',
  redisUrl: 'redis-url',
  leaseTtl: 'lease-ttl',
};

const LIMITS: Record<string, string> = {
  maxPageSize: 'max-page-size',
  maxDepth: 'max-depth',
  maxAliases: 'max-aliases',
  maxTokens: 'max-tokens',
  maxCost: 'max-cost',
  maxBodySize: 'max-body-size',
  maxMessageSize: 'max-message-size',
  connectionInitTimeout: 'connection-init-timeout',
  maxSubscriptionsPerSocket: 'max-subscriptions-per-socket',
};

const TOP_LEVEL = new Set([...Object.keys(SCALARS), 'hosts', 'tokens', 'limits', 'corsOrigins']);

type Settings = Record<string, unknown>;

function isSettings(value: unknown): value is Settings {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads a config file: JSON for `.json`, YAML (which JSON also is) for anything else. */
export function readConfigFile(file: string): FileConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigFileError(`cannot read --config ${file}: ${(error as Error).message}`);
  }

  let settings: unknown;
  try {
    settings = extname(file) === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new ConfigFileError(`${file} is not valid JSON or YAML: ${(error as Error).message}`);
  }

  const config = fileConfig(settings ?? {}, file);
  // A tokens file named in the config file is found beside it, wherever the server starts.
  const tokensFile = config.flags['tokens-file'];
  if (typeof tokensFile === 'string') {
    config.flags['tokens-file'] = resolve(dirname(file), tokensFile);
  }

  return config;
}

/** The settings of a parsed config file, checked; `file` names it in errors. */
export function fileConfig(settings: unknown, file: string): FileConfig {
  if (!isSettings(settings)) {
    throw new ConfigFileError(`${file}: expected a mapping of settings at the top`);
  }

  for (const key of Object.keys(settings)) {
    if (!TOP_LEVEL.has(key)) {
      throw new ConfigFileError(
        `${file}: unknown setting ${key}; known: ${[...TOP_LEVEL].sort().join(', ')}`,
      );
    }
  }

  const flags: Record<string, string | string[]> = {};
  for (const [key, flag] of Object.entries(SCALARS)) {
    copyScalar(settings, key, flag, flags, file);
  }

  const limits = settings.limits;
  if (limits !== undefined) {
    if (!isSettings(limits)) {
      throw new ConfigFileError(`${file}: limits must be a mapping`);
    }

    for (const key of Object.keys(limits)) {
      const flag = LIMITS[key];
      if (flag === undefined) {
        throw new ConfigFileError(
          `${file}: unknown limit ${key}; known: ${Object.keys(LIMITS).join(', ')}`,
        );
      }

      copyScalar(limits, key, flag, flags, `${file}: limits`);
    }
  }

  if (settings.corsOrigins !== undefined) {
    flags['cors-origin'] = stringList(settings.corsOrigins, `${file}: corsOrigins`);
  }

  return {
    hosts: settings.hosts === undefined ? undefined : hosts(settings.hosts, file),
    tokens: settings.tokens === undefined ? [] : tokens(settings.tokens, file),
    flags,
  };
}

function copyScalar(
  from: Settings,
  key: string,
  flag: string,
  into: Record<string, string | string[]>,
  where: string,
): void {
  const value = from[key];
  if (value === undefined) {
    return;
  }

  if (typeof value !== 'string' && typeof value !== 'number') {
    throw new ConfigFileError(`${where}: ${key} must be a number or a string`);
  }

  into[flag] = String(value);
}

function stringList(value: unknown, where: string): string[] {
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
    throw new ConfigFileError(`${where} must be a list of strings`);
  }

  return value;
}

function hosts(value: unknown, file: string): FileHost[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw new ConfigFileError(`${file}: hosts must be a list of at least one host`);
  }

  const result = value.map((entry, index) => host(entry, `${file}: hosts[${index}]`));
  const names = new Set<string>();
  for (const { name } of result) {
    if (names.has(name)) {
      throw new ConfigFileError(`${file}: two hosts are called ${name}; names must differ`);
    }

    names.add(name);
  }

  return result;
}

function host(entry: unknown, where: string): FileHost {
  if (!isSettings(entry)) {
    throw new ConfigFileError(`${where} must be a mapping with at least a uri`);
  }

  for (const key of Object.keys(entry)) {
    if (!['name', 'uri', 'readOnly', 'keepAlive'].includes(key)) {
      throw new ConfigFileError(
        `${where}: unknown setting ${key}; known: name, uri, readOnly, keepAlive`,
      );
    }
  }

  const { uri, name = uri, readOnly = false } = entry;
  if (typeof uri !== 'string' || !/^[a-z][a-z0-9+.-]*:\/\//i.test(uri)) {
    throw new ConfigFileError(`${where}: uri must be a libvirt URI such as qemu:///system`);
  }

  if (typeof name !== 'string' || name === '') {
    throw new ConfigFileError(`${where}: name must be a string that is not empty`);
  }

  if (typeof readOnly !== 'boolean') {
    throw new ConfigFileError(`${where}: readOnly must be true or false`);
  }

  const result: FileHost = { name, uri, readOnly };
  if (entry.keepAlive !== undefined) {
    result.keepAlive = keepAlive(entry.keepAlive, where);
  }

  return result;
}

function keepAlive(value: unknown, where: string): KeepAliveConfig | null {
  if (value === false || value === null) {
    return null;
  }

  const whole = (field: unknown, least: number) =>
    typeof field === 'number' && Number.isInteger(field) && field >= least;
  if (!isSettings(value) || !whole(value.interval, 1) || !whole(value.count, 0)) {
    throw new ConfigFileError(
      `${where}: keepAlive must be false or { interval: SECONDS (at least 1), count: PROBES }`,
    );
  }

  return { interval: value.interval as number, count: value.count as number };
}

function tokens(value: unknown, file: string): TokenConfig[] {
  if (!Array.isArray(value)) {
    throw new ConfigFileError(`${file}: tokens must be a list of { role, token, name }`);
  }

  return value.map((entry, index) => {
    const where = `${file} tokens[${index}]`;
    if (!isSettings(entry) || typeof entry.role !== 'string' || typeof entry.token !== 'string') {
      throw new ConfigFileError(`${where}: expected { role, token, name }`);
    }

    const name = typeof entry.name === 'string' && entry.name !== '' ? entry.name : null;
    try {
      return tokenConfig(where, entry.role, entry.token, name);
    } catch (error) {
      if (error instanceof TokenListError) {
        throw new ConfigFileError(error.message);
      }

      throw error;
    }
  });
}
