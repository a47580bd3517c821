import type { Logger } from 'pino';
import type { Config } from './config.ts';
import { type Connection, formatVersion, Libvirt } from './ffi/index.ts';

/** What the entry point starts and stops. */
export interface Server {
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** One domain of a host as start-up reports it. */
export interface DomainSummary {
  name: string;
  uuid: string;
  snapshotCount: number;
}

/** One connected host as start-up reports it. */
export interface HostSummary {
  name: string;
  uri: string;
  hypervisor: string;
  libvirtVersion: string;
  domains: DomainSummary[];
}

async function summarize(name: string, connection: Connection): Promise<HostSummary> {
  const domains = await connection.listAllDomains();
  try {
    return {
      name,
      uri: await connection.uri(),
      hypervisor: await connection.type(),
      libvirtVersion: formatVersion(await connection.libVersion()),
      domains: await Promise.all(
        domains.map(async (domain) => ({
          name: await domain.name(),
          uuid: await domain.uuid(),
          snapshotCount: await domain.snapshotNum(),
        })),
      ),
    };
  } finally {
    await Promise.all(domains.map((domain) => domain.free()));
  }
}

/**
 * Builds the server: the libvirt binding and a connection per configured host. For now it
 * reports each host, its domains and their snapshot counts once it has started.
 */
export function createServer(config: Config, logger: Logger): Server {
  let libvirt: Libvirt | undefined;

  return {
    async start() {
      libvirt = await Libvirt.start({ callThreads: config.callThreads });
      for (const host of config.hosts) {
        const connection = await libvirt.open(host.uri, { readOnly: host.readOnly });
        const summary = await summarize(host.name, connection);
        logger.info({ host: summary }, `connected to ${summary.uri} (${summary.hypervisor})`);
      }
    },

    async stop() {
      await libvirt?.close();
      libvirt = undefined;
    },
  };
}
