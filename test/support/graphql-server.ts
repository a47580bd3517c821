import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { type GraphQLFormattedError, print } from 'graphql';
import pino, { type Logger } from 'pino';
import { type Config, LIMIT_DEFAULTS } from '../../src/config.ts';
import type { Hosts } from '../../src/hosts/hosts.ts';
import { createServer } from '../../src/server/server.ts';

/** A GraphQL response as the server sends it. */
export interface Response<R> {
  data?: R | null;
  errors?: GraphQLFormattedError[];
}

/** The server under test, listening on a free loopback port, and a typed client for it. */
export interface TestServer {
  /** The `/graphql` URL. */
  url: string;
  /** The base URL, for `/healthz` and `/readyz`. */
  origin: string;
  hosts: Hosts;
  /** Sends one operation over HTTP and returns the whole response. */
  request<R, V>(document: TypedDocumentNode<R, V>, variables?: V): Promise<Response<R>>;
  /** Sends one operation and returns its data; fails the test on any error. */
  data<R, V>(document: TypedDocumentNode<R, V>, variables?: V): Promise<R>;
  /** The `extensions.code` of the first error, failing the test when there is none. */
  errorCode<R, V>(document: TypedDocumentNode<R, V>, variables?: V): Promise<string>;
  stop(): Promise<void>;
}

/** Options for {@link startTestServer}. */
export interface TestServerOptions {
  /** Hosts opened read-write; the URI is also the host's name. */
  uris?: string[];
  /** Hosts opened read-only. */
  readOnlyUris?: string[];
  pageSizeCap?: number;
  /** How often the watcher looks at libvirt. */
  watchIntervalMs?: number;
  /** Any other part of the configuration, over the test defaults. */
  config?: Partial<Config>;
  /** The bearer token `request`, `data` and `errorCode` send; none when absent. */
  token?: string;
  /** The server's logger; a silent one when absent. */
  logger?: Logger;
}

/** Starts the real server (Yoga over node:http, real libvirt) on a free port. */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const config: Config = {
    hosts: [
      ...(options.uris ?? []).map((uri) => ({ name: uri, uri, readOnly: false })),
      ...(options.readOnlyUris ?? []).map((uri) => ({ name: uri, uri, readOnly: true })),
    ],
    callThreads: 2,
    host: '127.0.0.1',
    port: 0,
    printSchema: false,
    tokens: [],
    ...LIMIT_DEFAULTS,
    pageSizeCap: options.pageSizeCap ?? LIMIT_DEFAULTS.pageSizeCap,
    watchIntervalMs: options.watchIntervalMs ?? 1000,
    sweepIntervalMs: 60_000,
    jobTimeoutMs: 600_000,
    jobPollMs: 500,
    redisUrl: null,
    leaseTtlMs: 5000,
    logLevel: 'silent',
    ...options.config,
  };
  const server = createServer(config, options.logger ?? pino({ level: 'silent' }));
  const url = await server.start();
  const authorization: Record<string, string> =
    options.token === undefined ? {} : { authorization: `Bearer ${options.token}` };

  async function request<R, V>(document: TypedDocumentNode<R, V>, variables?: V) {
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json',
        ...authorization,
      },
      body: JSON.stringify({ query: print(document), variables }),
    });

    return (await response.json()) as Response<R>;
  }

  return {
    url,
    origin: new URL(url).origin,
    hosts: server.hosts as Hosts,
    request,
    async data(document, variables) {
      const response = await request(document, variables);
      if (response.errors !== undefined || response.data === undefined || response.data === null) {
        throw new Error(`the operation failed: ${JSON.stringify(response.errors)}`);
      }

      return response.data;
    },
    async errorCode(document, variables) {
      const response = await request(document, variables);
      const code = response.errors?.[0]?.extensions?.code;
      if (typeof code !== 'string') {
        throw new Error(`expected an error, got ${JSON.stringify(response)}`);
      }

      return code;
    },
    stop: () => server.stop(),
  };
}
