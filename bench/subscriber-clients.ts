// The subscribers of bench/subscribers.ts, on a worker thread of their own: N graphql-ws
// clients on loopback, each subscribed to one domain's snapshot events. Receipt times are
// kept here and sent to the main thread once per snapshot, when every subscriber has it, so
// that the server's thread does no client work and no message per receipt.
//
// Times are absolute (performance.timeOrigin + performance.now()), comparable across threads.
import { parentPort, workerData } from 'node:worker_threads';
import { type Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';

/** What the main thread tells the clients. */
export type ToClients = { type: 'subscribe'; from: number; to: number } | { type: 'close' };

/** What the clients tell the main thread. */
export type FromClients =
  | { type: 'received'; name: string; receipts: number[] }
  | { type: 'problem'; text: string }
  | { type: 'closed'; otherEvents: number };

export interface ClientsData {
  url: string;
  domainId: string;
  subscribers: number;
}

const SNAPSHOT_EVENTS = `subscription BenchSnapshotEvents($domainId: ID!) {
  snapshotEvents(domainId: $domainId) { id type origin snapshotName }
}`;

interface SnapshotEventResult {
  snapshotEvents: { id: string; type: string; origin: string; snapshotName: string };
}

const port = parentPort;
if (port === null) {
  throw new Error('bench/subscriber-clients.ts runs as a worker of bench/subscribers.ts');
}

const { url, domainId, subscribers } = workerData as ClientsData;
const clients: Client[] = [];
const receipts = new Map<string, { at: number[]; by: Set<number> }>();
let otherEvents = 0;
let closing = false;

function now(): number {
  return performance.timeOrigin + performance.now();
}

function tell(message: FromClients): void {
  port?.postMessage(message);
}

function receive(index: number, result: { data?: unknown; errors?: unknown }, at: number): void {
  if (result.errors !== undefined) {
    tell({ type: 'problem', text: `subscriber ${index}: errors ${JSON.stringify(result.errors)}` });

    return;
  }

  const event = (result.data as SnapshotEventResult).snapshotEvents;
  if (event.type !== 'CREATED' || event.origin !== 'API') {
    otherEvents += 1;

    return;
  }

  let snapshot = receipts.get(event.snapshotName);
  if (snapshot === undefined) {
    snapshot = { at: [], by: new Set() };
    receipts.set(event.snapshotName, snapshot);
  }

  if (snapshot.by.has(index)) {
    tell({ type: 'problem', text: `subscriber ${index}: received ${event.snapshotName} twice` });
  }

  snapshot.by.add(index);
  snapshot.at.push(at);
  if (snapshot.at.length === subscribers) {
    tell({ type: 'received', name: event.snapshotName, receipts: snapshot.at });
  }
}

function subscribe(index: number): Client {
  const client = createClient({
    url: url.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    on: {
      closed: (event) => {
        if (!closing) {
          const { code, reason } = event as { code?: number; reason?: string };
          tell({
            type: 'problem',
            text: `subscriber ${index}: the socket closed (${code} ${reason ?? ''})`,
          });
        }
      },
    },
  });
  client.subscribe(
    { query: SNAPSHOT_EVENTS, variables: { domainId } },
    {
      next: (result) => receive(index, result, now()),
      error: (error) => {
        if (!closing) {
          const message = error instanceof Error ? error.message : JSON.stringify(error);
          tell({ type: 'problem', text: `subscriber ${index}: ${message}` });
        }
      },
      complete: () => {
        if (!closing) {
          tell({ type: 'problem', text: `subscriber ${index}: the server completed it` });
        }
      },
    },
  );

  return client;
}

port.on('message', async (message: ToClients) => {
  if (message.type === 'subscribe') {
    for (let index = message.from; index < message.to; index++) {
      clients.push(subscribe(index));
    }

    return;
  }

  closing = true;
  await Promise.allSettled(clients.map((client) => client.dispose()));
  tell({ type: 'closed', otherEvents });
  port.close();
});
