import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import {
  ConfigFileError,
  type FileConfig,
  type KeepAliveConfig,
  readConfigFile,
} from './config-file.ts';
import { isLoopbackAddress } from './server/loopback.ts';
import {
  assertDistinctTokens,
  parseTokensEnv,
  parseTokensFile,
  type TokenConfig,
  TokenListError,
} from './server/tokens.ts';

/** One libvirt host the server connects to. */
export interface HostConfig {
  /** As the command line or config file names it; the URI when none was given. */
  name: string;
  uri: string;
  readOnly: boolean;
  /**
   * libvirt's keep-alive probes, which notice a daemon that is gone: null for none; absent
   * for the default, every 5 s and closed after 3 unanswered, on every driver but test.
   */
  keepAlive?: KeepAliveConfig | null;
}

/** The server's configuration, read once at start-up (flags, environment, file, defaults). */
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
  /**
   * The bearer tokens the server accepts, from `--tokens-file` and `VSG_TOKENS` together;
   * none means an open server, which listens on loopback only.
   */
  tokens: TokenConfig[];
  /** The largest page a connection returns; a larger `first` or `last` is refused. */
  pageSizeCap: number;
  /** The deepest selection an operation may have, in fields. */
  maxDepth: number;
  /** The most aliases an operation may use. */
  maxAliases: number;
  /** The most tokens (names, punctuation, values) an operation's document may have. */
  maxTokens: number;
  /** The highest cost an operation may have, as graphql-armor's cost-limit counts it. */
  maxCost: number;
  /** The largest HTTP request body, in bytes. */
  maxBodyBytes: number;
  /** The largest WebSocket message, in bytes. */
  maxWebSocketMessageBytes: number;
  /** How long a WebSocket may stay open without `connection_init` (then 4408). */
  connectionInitWaitTimeoutMs: number;
  /** The most operations one WebSocket may have running at once. */
  maxSubscriptionsPerSocket: number;
  /**
   * The origins, besides the server's own, whose browsers may call the endpoint (CORS) and
   * open WebSockets on it; `*` allows any.
   */
  corsOrigins: string[];
  /** How often the watcher compares snapshot names and current snapshots with libvirt. */
  watchIntervalMs: number;
  /**
   * How long a create, revert or delete may run in libvirt before it is reported FAILED, libvirt
   * is asked to abort it, and the domain is released.
   */
  jobTimeoutMs: number;
  /** How often libvirt's statistics of a running create, revert or delete are read. */
  jobPollMs: number;
  /** How often the watcher re-reads every snapshot's XML. */
  sweepIntervalMs: number;
  /**
   * Redis, for replicas of the server behind one load balancer: events travel over its
   * pub/sub, one replica at a time watches each host, mutations lock domains in it. Null:
   * everything in this process.
   */
  redisUrl: string | null;
  /** How long a replica's claim to watch a host lasts unless renewed; another takes over after. */
  leaseTtlMs: number;
  logLevel: string;
  /**
   * `json`: pino's JSON lines; `pretty`: one readable line each; `auto` (the default): pretty
   * on a terminal, JSON elsewhere (a pipe, a file, journald).
   */
  logFormat?: 'json' | 'pretty' | 'auto';
}

/** The built-in test driver: a fresh checkout runs with no daemon. */
export const DEFAULT_URI = 'test:///default';

/** The limits a configuration has unless told otherwise (README, Limits). */
export const LIMIT_DEFAULTS = {
  pageSizeCap: 10_000,
  maxDepth: 15,
  maxAliases: 30,
  maxTokens: 5000,
  // The whole tree of 10,000 snapshots, `snapshots(first: 10000)` with every field of a
  // snapshot, costs some 2.6 million; one page of 10,000 inside another costs billions.
  maxCost: 10_000_000,
  // Room for a snapshot document with a 64 KiB description (the most the server lets
  // through) and for a 1 MiB one to reach the resolver and be refused there with
  // BAD_USER_INPUT, with its reason, rather than cut off as a body.
  maxBodyBytes: 2 * 1024 * 1024,
  maxWebSocketMessageBytes: 2 * 1024 * 1024,
  connectionInitWaitTimeoutMs: 3000,
  maxSubscriptionsPerSocket: 100,
  corsOrigins: [] as string[],
} satisfies Partial<Config>;

/** A command line the server cannot run with. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/**
 * Reads the configuration from the command line (`-c|--connect URI`, repeatable;
 * `--connect-readonly URI`, `--host`, `--port`, `--print-schema`, ...), the environment
 * (`LIBVIRT_DEFAULT_URI`, `HOST`, `PORT`, `LOG_LEVEL`, `VSG_TOKENS`, `REDIS_URL`) and the file `--config`
 * names (config-file.ts); flags win over the environment, which wins over the file. Hosts
 * given with `-c` or `--connect-readonly` replace the file's. Tokens come from the file,
 * `--tokens-file` and `VSG_TOKENS` together; without any, only a loopback `--host` is allowed.
 */
export function readConfig(argv: string[], env: NodeJS.ProcessEnv): Config {
  const { values: flags } = parseArgs({
    args: argv,
    options: {
      config: { type: 'string' },
      connect: { type: 'string', short: 'c', multiple: true },
      'connect-readonly': { type: 'string', multiple: true },
      'call-threads': { type: 'string' },
      host: { type: 'string' },
      port: { type: 'string' },
      'print-schema': { type: 'boolean' },
      'tokens-file': { type: 'string' },
      'watch-interval': { type: 'string' },
      'sweep-interval': { type: 'string' },
      'job-timeout': { type: 'string' },
      'job-poll-interval': { type: 'string' },
      'redis-url': { type: 'string' },
      'lease-ttl': { type: 'string' },
      'max-page-size': { type: 'string' },
      'max-depth': { type: 'string' },
      'max-aliases': { type: 'string' },
      'max-tokens': { type: 'string' },
      'max-cost': { type: 'string' },
      'max-body-size': { type: 'string' },
      'max-message-size': { type: 'string' },
      'connection-init-timeout': { type: 'string' },
      'max-subscriptions-per-socket': { type: 'string' },
      'cors-origin': { type: 'string', multiple: true },
    },
    strict: true,
    allowPositionals: false,
  });

  const file = flags.config === undefined ? undefined : configFile(flags.config);
  // A flag's value, or the file's for the same setting.
  const values = { ...file?.flags, ...definedOnly(flags) } as typeof flags;
  const writable = flags.connect ?? [];
  const readOnly = flags['connect-readonly'] ?? [];
  const hosts: HostConfig[] = [
    ...writable.map((uri) => ({ name: uri, uri, readOnly: false })),
    ...readOnly.map((uri) => ({ name: uri, uri, readOnly: true })),
  ];
  if (hosts.length === 0 && file?.hosts !== undefined) {
    hosts.push(...file.hosts);
  }

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

  const portText = flags.port ?? env.PORT ?? file?.flags.port ?? '4000';
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError(`--port must be a port number, not ${portText}`);
  }

  const watchIntervalMs = milliseconds('--watch-interval', values['watch-interval'], 1000);
  const sweepIntervalMs = milliseconds('--sweep-interval', values['sweep-interval'], 60_000);
  const jobTimeoutMs = milliseconds('--job-timeout', values['job-timeout'], 600_000);
  const jobPollMs = milliseconds('--job-poll-interval', values['job-poll-interval'], 500);
  const leaseTtlMs = milliseconds('--lease-ttl', values['lease-ttl'], 5000);
  const redisUrl = flags['redis-url'] || env.REDIS_URL || values['redis-url'] || null;
  const limits = {
    pageSizeCap: atLeastOne('--max-page-size', values['max-page-size'], LIMIT_DEFAULTS.pageSizeCap),
    maxDepth: atLeastOne('--max-depth', values['max-depth'], LIMIT_DEFAULTS.maxDepth),
    maxAliases: atLeastOne('--max-aliases', values['max-aliases'], LIMIT_DEFAULTS.maxAliases),
    maxTokens: atLeastOne('--max-tokens', values['max-tokens'], LIMIT_DEFAULTS.maxTokens),
    maxCost: atLeastOne('--max-cost', values['max-cost'], LIMIT_DEFAULTS.maxCost),
    maxBodyBytes: atLeastOne(
      '--max-body-size',
      values['max-body-size'],
      LIMIT_DEFAULTS.maxBodyBytes,
    ),
    maxWebSocketMessageBytes: atLeastOne(
      '--max-message-size',
      values['max-message-size'],
      LIMIT_DEFAULTS.maxWebSocketMessageBytes,
    ),
    connectionInitWaitTimeoutMs: milliseconds(
      '--connection-init-timeout',
      values['connection-init-timeout'],
      LIMIT_DEFAULTS.connectionInitWaitTimeoutMs,
    ),
    maxSubscriptionsPerSocket: atLeastOne(
      '--max-subscriptions-per-socket',
      values['max-subscriptions-per-socket'],
      LIMIT_DEFAULTS.maxSubscriptionsPerSocket,
    ),
    corsOrigins: (values['cors-origin'] ?? []).map(corsOrigin),
  };

  const host = flags.host ?? env.HOST ?? (file?.flags.host as string | undefined) ?? '127.0.0.1';
  const printSchema = values['print-schema'] ?? false;
  const tokens = readTokens(values['tokens-file'], env.VSG_TOKENS, file?.tokens ?? []);
  if (tokens.length === 0 && !printSchema && !isLoopbackAddress(host)) {
    throw new ConfigError(
      `listening on ${host} needs tokens, or anyone who can reach it could change snapshots: ` +
        'give them with --tokens-file FILE or VSG_TOKENS, or listen on a loopback address ' +
        '(--host 127.0.0.1)',
    );
  }

  return {
    hosts,
    tokens,
    watchIntervalMs,
    sweepIntervalMs,
    jobTimeoutMs,
    jobPollMs,
    redisUrl,
    leaseTtlMs,
    callThreads,
    host,
    port,
    printSchema,
    ...limits,
    logLevel: env.LOG_LEVEL || 'info',
    logFormat: logFormat(env.LOG_FORMAT),
  };
}

function logFormat(value: string | undefined): 'json' | 'pretty' | 'auto' {
  if (value === undefined || value === '' || value === 'auto') {
    return 'auto';
  }

  if (value !== 'json' && value !== 'pretty') {
    throw new ConfigError(`LOG_FORMAT must be json, pretty or auto, not ${value}`);
  }

  return value;
}

function configFile(path: string): FileConfig {
  try {
    return readConfigFile(path);
  } catch (error) {
    if (error instanceof ConfigFileError) {
      throw new ConfigError(error.message);
    }

    throw error;
  }
}

/** `values` without the keys parseArgs left undefined, so that they do not hide the file's. */
function definedOnly<T extends object>(values: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(values).filter(([, value]) => value !== undefined),
  ) as Partial<T>;
}

function atLeastOne(flag: string, value: string | undefined, fallback: number): number {
  const parsed = Number(value ?? fallback);
  if (!Number.isSafeInteger(parsed) || parsed < 1) {
    throw new ConfigError(`${flag} must be a whole number of at least 1, not ${value}`);
  }

  return parsed;
}

/** `*`, or an origin as a browser sends it: `http(s)://host[:port]`, no path. */
function corsOrigin(value: string): string {
  if (value === '*') {
    return value;
  }

  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }

  const bare =
    url !== undefined &&
    url.pathname === '/' &&
    url.search === '' &&
    url.hash === '' &&
    url.username === '';
  if (url === undefined || !['http:', 'https:'].includes(url.protocol) || !bare) {
    throw new ConfigError(
      `--cors-origin must be * or an origin such as https://dashboard.example:8443, not ${value}`,
    );
  }

  return url.origin;
}

/**
 * The tokens of the `--tokens-file` and of `VSG_TOKENS`, together; never from other command-line
 * values, which other users of the machine can read.
 */
function readTokens(
  file: string | undefined,
  variable: string | undefined,
  fromConfig: TokenConfig[],
): TokenConfig[] {
  try {
    const tokens = [
      ...fromConfig,
      ...(file === undefined ? [] : parseTokensFile(readTokensFile(file), file)),
      ...parseTokensEnv(variable ?? ''),
    ];
    assertDistinctTokens(tokens);

    return tokens;
  } catch (error) {
    if (error instanceof TokenListError) {
      throw new ConfigError(error.message);
    }

    throw error;
  }
}

function readTokensFile(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`cannot read --tokens-file ${file}: ${(error as Error).message}`);
  }
}

function milliseconds(flag: string, value: string | undefined, fallback: number): number {
  const parsed = Number(value ?? fallback);
  if (!Number.isInteger(parsed) || parsed < 10) {
    throw new ConfigError(`${flag} must be a whole number of milliseconds, at least 10`);
  }

  return parsed;
}
