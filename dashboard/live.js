/**
 * Subscriptions over one WebSocket, in the `graphql-transport-ws` protocol (graphql-ws's):
 * every subscription of the page shares the socket, which is opened again, with a pause that
 * doubles up to 15 s, whenever it drops.
 *
 * @see https://github.com/enisdenjo/graphql-ws/blob/master/PROTOCOL.md
 */
import { authorization, GRAPHQL_PATH } from './graphql-client.js';

const PROTOCOL = 'graphql-transport-ws';

// graphql-ws's close code for a connection_init whose token the server refused.
const FORBIDDEN = 4403;

const FIRST_PAUSE_MS = 1000;
const LONGEST_PAUSE_MS = 15_000;

/**
 * @typedef {object} Sink
 * @property {(payload: { data?: unknown, errors?: unknown[] }) => void} next
 * @property {(errors: Array<{ message: string }>) => void} [error]
 */

/**
 * @typedef {object} LiveOptions
 * @property {string | null} token sent as the `authorization` connection parameter
 * @property {(status: 'connecting' | 'live' | 'offline', detail?: string) => void} onStatus
 * @property {() => void} onReconnect after the socket came back: what was missed is unknown
 * @property {() => void} onForbidden the server refused the token
 */

/** The page's subscriptions, on one WebSocket. */
export class LiveConnection {
  /** @type {LiveOptions} */
  #options;
  /** @type {WebSocket | undefined} */
  #socket;
  /** The socket the server has acknowledged, once it has. @type {WebSocket | undefined} */
  #acknowledgedSocket;
  /** @type {Map<string, { query: string, sink: Sink }>} */
  #subscriptions = new Map();
  #nextId = 1;
  #failures = 0;
  #everAcknowledged = false;
  #closed = false;
  /** @type {number | undefined} */
  #retry;

  /** @param {LiveOptions} options */
  constructor(options) {
    this.#options = options;
    this.#connect();
  }

  /**
   * Starts `query` (a subscription) now, or as soon as the socket is ready, and again after
   * each reconnection. Answers the function that stops it.
   *
   * @param {string} query
   * @param {Sink} sink
   */
  subscribe(query, sink) {
    const id = String(this.#nextId++);
    this.#subscriptions.set(id, { query, sink });
    if (this.#ready) {
      this.#send({ id, type: 'subscribe', payload: { query } });
    }

    return () => {
      if (this.#subscriptions.delete(id) && this.#ready) {
        this.#send({ id, type: 'complete' });
      }
    };
  }

  /** Stops every subscription and closes the socket for good. */
  close() {
    this.#closed = true;
    clearTimeout(this.#retry);
    this.#subscriptions.clear();
    this.#socket?.close(1000, 'closed by the page');
  }

  /** Whether subscribe messages may be sent now. */
  get #ready() {
    return this.#socket === this.#acknowledgedSocket && this.#socket?.readyState === WebSocket.OPEN;
  }

  #connect() {
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const socket = new WebSocket(`${scheme}//${location.host}${GRAPHQL_PATH}`, PROTOCOL);
    this.#socket = socket;
    this.#options.onStatus('connecting');

    socket.addEventListener('open', () => {
      const bearer = authorization(this.#options.token);
      const payload = bearer === undefined ? {} : { authorization: bearer };
      this.#send({ type: 'connection_init', payload });
    });
    socket.addEventListener('message', (event) => this.#receive(socket, event.data));
    socket.addEventListener('close', (event) => this.#closedBy(socket, event));
  }

  /**
   * @param {WebSocket} socket
   * @param {string} text
   */
  #receive(socket, text) {
    let message;
    try {
      message = JSON.parse(text);
    } catch {
      socket.close(4400, 'not JSON');

      return;
    }

    switch (message.type) {
      case 'connection_ack':
        this.#onAcknowledged(socket);
        break;
      case 'ping':
        this.#send({ type: 'pong' });
        break;
      case 'next':
        this.#subscriptions.get(message.id)?.sink.next(message.payload);
        break;
      case 'error': {
        const subscription = this.#subscriptions.get(message.id);
        this.#subscriptions.delete(message.id);
        subscription?.sink.error?.(message.payload);
        break;
      }
      case 'complete':
        this.#subscriptions.delete(message.id);
        break;
      default:
        break;
    }
  }

  /** @param {WebSocket} socket */
  #onAcknowledged(socket) {
    this.#acknowledgedSocket = socket;
    this.#failures = 0;
    for (const [id, { query }] of this.#subscriptions) {
      this.#send({ id, type: 'subscribe', payload: { query } });
    }

    this.#options.onStatus('live');
    if (this.#everAcknowledged) {
      this.#options.onReconnect();
    }

    this.#everAcknowledged = true;
  }

  /**
   * @param {WebSocket} socket
   * @param {CloseEvent} event
   */
  #closedBy(socket, event) {
    if (socket !== this.#socket || this.#closed) {
      return;
    }

    if (event.code === FORBIDDEN) {
      this.#options.onStatus('offline', 'the token was refused');
      this.#options.onForbidden();

      return;
    }

    const pause = Math.min(FIRST_PAUSE_MS * 2 ** this.#failures, LONGEST_PAUSE_MS);
    this.#failures += 1;
    this.#options.onStatus('offline', `again in ${Math.round(pause / 1000)} s`);
    this.#retry = setTimeout(() => this.#connect(), pause);
  }

  #send(message) {
    this.#socket?.send(JSON.stringify(message));
  }
}
