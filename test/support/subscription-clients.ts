import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { type GraphQLFormattedError, print } from 'graphql';
import { type Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';
import type { Response } from './graphql-server.ts';

/** What a subscriber is handed: one result, or the end of its stream and how it ended. */
type Delivery<R> = { result: Response<R> } | { end: string };

/**
 * One subscription's results as they arrive, over either transport, for a test to take one
 * at a time. The stream ends with `complete`, `error` (an error message of graphql-ws),
 * `closed <code>` (the WebSocket closed) or `closed` (the SSE response ended).
 */
export class Subscriber<R> {
  readonly #deliveries: Delivery<R>[] = [];
  #wake: (() => void) | undefined;
  #ended: string | undefined;
  #unsubscribe: () => void = () => undefined;

  /** Ends the subscription from the client's side. */
  unsubscribe(): void {
    this.#unsubscribe();
  }

  /** The next result; fails after `timeoutMs`, or when the stream ends first. */
  async next(timeoutMs = 5000): Promise<Response<R>> {
    const delivery = await this.#take(timeoutMs);
    if ('end' in delivery) {
      throw new Error(`the subscription ended (${delivery.end}) before another result`);
    }

    return delivery.result;
  }

  /** The data of the next result; fails on a result with errors. */
  async nextData(timeoutMs = 5000): Promise<R> {
    const result = await this.next(timeoutMs);
    if (result.errors !== undefined || result.data === undefined || result.data === null) {
      throw new Error(`the subscription sent errors: ${JSON.stringify(result.errors)}`);
    }

    return result.data;
  }

  /** How the stream ended, once it has; fails when a result comes first or after `timeoutMs`. */
  async end(timeoutMs = 5000): Promise<string> {
    const delivery = await this.#take(timeoutMs);
    if ('result' in delivery) {
      throw new Error(`expected the end, got ${JSON.stringify(delivery.result)}`);
    }

    return delivery.end;
  }

  /** Fails when anything arrives within `ms`. */
  async nothingWithin(ms = 300): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, ms));
    if (this.#deliveries.length > 0) {
      throw new Error(`expected nothing more, got ${JSON.stringify(this.#deliveries[0])}`);
    }
  }

  /** For the transports: how the client ends the subscription. */
  onUnsubscribe(unsubscribe: () => void): void {
    this.#unsubscribe = unsubscribe;
  }

  /** For the transports: a result arrived. */
  deliver(result: Response<R>): void {
    this.#push({ result });
  }

  /** For the transports: the stream ended; only the first end counts. */
  finish(how: string): void {
    if (this.#ended === undefined) {
      this.#ended = how;
      this.#push({ end: how });
    }
  }

  #push(delivery: Delivery<R>): void {
    this.#deliveries.push(delivery);
    this.#wake?.();
  }

  async #take(timeoutMs: number): Promise<Delivery<R>> {
    const deadline = Date.now() + timeoutMs;
    while (this.#deliveries.length === 0) {
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new Error(`nothing arrived within ${timeoutMs} ms`);
      }

      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.#wake = undefined;
    }

    return this.#deliveries.shift() as Delivery<R>;
  }
}

/** A graphql-ws client of the server and the close codes its WebSocket has seen. */
export interface WsClient {
  client: Client;
  /** The code of every close of the client's WebSocket, in order. */
  closeCodes: number[];
  /** Resolves with the code of the next close of the WebSocket. */
  nextClose(): Promise<number>;
  subscribe<R, V>(document: TypedDocumentNode<R, V>, variables?: V): Subscriber<R>;
  dispose(): Promise<void>;
}

/**
 * A graphql-ws client (protocol graphql-transport-ws) of `url`'s `/graphql`, over the ws
 * package. It never retries: a test sees each close as it happens.
 */
export function wsClient(url: string, options: { lazy?: boolean; token?: string } = {}): WsClient {
  const closeCodes: number[] = [];
  const waiting: Array<(code: number) => void> = [];
  const client = createClient({
    url: url.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    lazy: options.lazy ?? true,
    connectionParams:
      options.token === undefined ? undefined : { authorization: `Bearer ${options.token}` },
    // A non-lazy client prints its socket's close; the test reads it from closeCodes instead.
    onNonLazyError: () => undefined,
    retryAttempts: 0,
    on: {
      closed: (event) => {
        const code = (event as { code: number }).code;
        closeCodes.push(code);
        for (const resolve of waiting.splice(0)) {
          resolve(code);
        }
      },
    },
  });

  return {
    client,
    closeCodes,
    nextClose: () => new Promise((resolve) => waiting.push(resolve)),
    subscribe<R, V>(document: TypedDocumentNode<R, V>, variables?: V): Subscriber<R> {
      const subscriber = new Subscriber<R>();
      const unsubscribe = client.subscribe<R>(
        { query: print(document), variables: variables as Record<string, unknown> | undefined },
        {
          next: (result) => subscriber.deliver(result as Response<R>),
          error: (error) => {
            if (Array.isArray(error)) {
              subscriber.deliver({ errors: error as GraphQLFormattedError[] });
              subscriber.finish('error');
            } else {
              subscriber.finish(`closed ${(error as { code?: number }).code ?? String(error)}`);
            }
          },
          complete: () => subscriber.finish('complete'),
        },
      );
      subscriber.onUnsubscribe(unsubscribe);

      return subscriber;
    },
    dispose: async () => {
      await client.dispose();
    },
  };
}

/** The `event:` and `data:` of one message of an SSE stream; null for a comment (a ping). */
function parseSseMessage(block: string): { event: string; data: string } | null {
  let event = 'message';
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) {
      continue;
    }

    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'event') {
      event = value;
    } else if (field === 'data') {
      data.push(value);
    }
  }

  return data.length === 0 && event === 'message' ? null : { event, data: data.join('\n') };
}

/**
 * Subscribes over Server-Sent Events as Yoga serves them (GraphQL over SSE, distinct
 * connections): a POST with `accept: text/event-stream`, one `event: next` per result and an
 * `event: complete` at the end. Resolves once the server has answered with the stream.
 */
export async function sseSubscribe<R, V>(
  url: string,
  document: TypedDocumentNode<R, V>,
  variables?: V,
  token?: string,
): Promise<Subscriber<R>> {
  const subscriber = new Subscriber<R>();
  const abort = new AbortController();
  subscriber.onUnsubscribe(() => abort.abort());
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'text/event-stream',
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
    },
    body: JSON.stringify({ query: print(document), variables }),
    signal: abort.signal,
  });
  if (!response.ok || response.body === null) {
    throw new Error(`the SSE request failed: ${response.status} ${await response.text()}`);
  }

  void readSse(response.body, subscriber);

  return subscriber;
}

async function readSse<R>(body: ReadableStream<Uint8Array>, subscriber: Subscriber<R>) {
  const decoder = new TextDecoder();
  let buffered = '';
  try {
    for await (const chunk of body) {
      buffered += decoder.decode(chunk, { stream: true });
      let end = buffered.indexOf('\n\n');
      while (end !== -1) {
        const message = parseSseMessage(buffered.slice(0, end));
        buffered = buffered.slice(end + 2);
        if (message?.event === 'next') {
          subscriber.deliver(JSON.parse(message.data) as Response<R>);
        } else if (message?.event === 'complete') {
          subscriber.finish('complete');
        }

        end = buffered.indexOf('\n\n');
      }
    }

    subscriber.finish('closed');
  } catch (error) {
    subscriber.finish(`closed (${(error as Error).name})`);
  }
}

/** Waits until `condition` holds, polling; fails after `timeoutMs`. */
export async function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) {
      throw new Error(`the condition did not hold within ${timeoutMs} ms`);
    }

    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
