import { Worker, type WorkerOptions } from 'node:worker_threads';

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
