import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { Hosts } from '../hosts/hosts.ts';

/** The content type Prometheus scrapes. */
export const METRICS_CONTENT_TYPE = Registry.PROMETHEUS_CONTENT_TYPE;

/**
 * The server's metrics in Prometheus's format, on a registry of its own (two servers in one
 * process, as in the tests, count apart): libvirt calls by name and outcome with their
 * latency, events sent by type and origin, subscribers, mutations by outcome, how queries
 * found their trees, hosts connected, and Node's own (memory, event-loop lag, GC).
 */
export class Metrics {
  readonly registry = new Registry();
  readonly #calls = new Counter({
    name: 'vsg_libvirt_calls_total',
    help: 'Trips to a call thread (one binding call, one or more libvirt functions), by outcome',
    labelNames: ['call', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly #callSeconds = new Histogram({
    name: 'vsg_libvirt_call_seconds',
    help: 'How long a trip to a call thread took, from sending it to its answer',
    labelNames: ['call'] as const,
    buckets: [0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30, 120],
    registers: [this.registry],
  });
  readonly #events = new Counter({
    name: 'vsg_events_total',
    help: 'Events appended to the logs subscribers read, by log, type and origin',
    labelNames: ['log', 'type', 'origin'] as const,
    registers: [this.registry],
  });
  readonly #mutations = new Counter({
    name: 'vsg_mutations_total',
    help: 'Mutations by name and outcome (ok, or the error code)',
    labelNames: ['mutation', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly #treeLookups = new Counter({
    name: 'vsg_tree_lookups_total',
    help: 'How queries found a domain’s snapshot tree: hit (kept), looked (watcher looked), read',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });
  #hosts: Hosts | undefined;
  readonly #detach: Array<() => void> = [];

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    const metrics = this;
    new Gauge({
      name: 'vsg_subscribers',
      help: 'Subscriptions open now, by the log they read',
      labelNames: ['log'] as const,
      registers: [this.registry],
      collect() {
        const events = metrics.#hosts?.events;
        this.set({ log: 'snapshots' }, events?.snapshots.subscriberCount ?? 0);
        this.set({ log: 'domains' }, events?.domains.subscriberCount ?? 0);
        this.set({ log: 'jobs' }, events?.jobs.subscriberCount ?? 0);
      },
    });
    new Gauge({
      name: 'vsg_host_connected',
      help: 'Whether each configured host is connected (1) or not (0)',
      labelNames: ['host'] as const,
      registers: [this.registry],
      collect() {
        for (const host of metrics.#hosts?.list() ?? []) {
          this.set({ host: host.name }, host.connected ? 1 : 0);
        }
      },
    });
  }

  /** Starts counting what `hosts` does: calls, events, tree lookups. */
  attach(hosts: Hosts): void {
    this.#hosts = hosts;
    hosts.observeCalls((call, seconds, outcome) => {
      this.#calls.inc({ call, outcome });
      this.#callSeconds.observe({ call }, seconds);
    });
    for (const host of hosts.list()) {
      host.observeTreeLookups((result) => this.#treeLookups.inc({ result }));
    }

    const { snapshots, domains, jobs } = hosts.events;
    this.#detach.push(
      snapshots.onAppend((event) =>
        this.#events.inc({ log: 'snapshots', type: event.type, origin: event.origin }),
      ),
      domains.onAppend((event) => this.#events.inc({ log: 'domains', type: event.type })),
      jobs.onAppend((event) => this.#events.inc({ log: 'jobs', type: event.phase })),
    );
  }

  /** Stops counting; the registry keeps what it has. */
  detach(): void {
    this.#hosts?.observeCalls(undefined);
    for (const host of this.#hosts?.list() ?? []) {
      host.observeTreeLookups(undefined);
    }

    for (const stop of this.#detach.splice(0)) {
      stop();
    }
  }

  /** Counts one mutation's outcome: `ok`, or its error's code. */
  mutation(mutation: string, outcome: string): void {
    this.#mutations.inc({ mutation, outcome });
  }
}
