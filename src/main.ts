// The entry point: reads the configuration, starts the server, stops it on a signal.
import pino from 'pino';
import pretty from 'pino-pretty';
import { ConfigError, readConfig } from './config.ts';
import { createServer } from './server/server.ts';

// A reader that goes away (`| head`) must not keep the server from stopping on a signal:
// what is written to a closed pipe is dropped.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', () => undefined);
}

let config: ReturnType<typeof readConfig>;
try {
  config = readConfig(process.argv.slice(2), process.env);
} catch (error) {
  console.error(`virt-snapshot-graphql: ${(error as Error).message}`);
  process.exit(error instanceof ConfigError ? 2 : 1);
}

if (config.printSchema) {
  const { printSchemaSdl } = await import('./resolvers/index.ts');
  process.stdout.write(printSchemaSdl());
  process.exit(0);
}

// JSON lines for journald and log shippers; one readable line each on a terminal.
const readable =
  config.logFormat === 'pretty' || (config.logFormat !== 'json' && process.stdout.isTTY);
const logger = pino(
  { level: config.logLevel },
  readable ? pretty({ translateTime: 'SYS:HH:MM:ss.l' }) : undefined,
);
const server = createServer(config, logger);

async function stop(signal: string): Promise<void> {
  logger.info(`${signal}: stopping`);
  await server.stop();
}

process.once('SIGINT', () => void stop('SIGINT'));
process.once('SIGTERM', () => void stop('SIGTERM'));

try {
  const url = await server.start();
  console.log(`virt-snapshot-graphql: serving ${url}`);
} catch (error) {
  logger.error({ err: error }, 'could not start');
  await server.stop();
  process.exitCode = 1;
}
