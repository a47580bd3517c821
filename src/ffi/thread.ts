import { Worker, type WorkerOptions } from 'node:worker_threads';

/** How long a thread may take to load libvirt and say it is ready. */
const READY_MS = 30_000;

/**
 * Starts a worker thread on a module beside this one. Run from TypeScript sources (tsx,
 * vitest), the worker registers tsx itself before it imports the module, since Node 20 does
 * not pass the parent's module hooks on to workers.
 */
export function startThread(module: string, options: WorkerOptions = {}): Worker {
  const fromSources = import.meta.url.endsWith('.ts');
  const url = new URL(`./${module}.${fromSources ? 'ts' : 'js'}`, import.meta.url);
  if (!fromSources) {
    return new Worker(url, options);
  }

  const tsx = import.meta.resolve('tsx/esm/api');
  const bootstrap = [
    `import(${JSON.stringify(tsx)})`,
    `.then((tsx) => { tsx.register(); return import(${JSON.stringify(url.href)}); })`,
  ].join('');

  return new Worker(bootstrap, { ...options, eval: true });
}

/**
 * Waits for a thread started by {@link startThread} to say `ready`. Fails, and stops the
 * thread, when it answers anything else, fails, exits, or says nothing within 30 s: a server
 * must not wait for ever at start-up on a thread that will never be ready.
 */
export function threadReady(worker: Worker, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const settle = (error?: Error) => {
      clearTimeout(timer);
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
      if (error === undefined) {
        resolve();
      } else {
        void worker.terminate();
        reject(error);
      }
    };
    const onMessage = (message: unknown) =>
      settle(
        message === 'ready'
          ? undefined
          : new Error(`the ${what} answered ${JSON.stringify(message)} instead of ready`),
      );
    const onError = (error: Error) => settle(error);
    const onExit = (code: number) =>
      settle(new Error(`the ${what} exited with code ${code} before it was ready`));
    const timer = setTimeout(
      () => settle(new Error(`the ${what} was not ready within ${READY_MS} ms`)),
      READY_MS,
    );
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
  });
}
