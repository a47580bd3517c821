import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { threadReady } from '../../src/ffi/thread.ts';

/** A thread whose whole code is `code` (CommonJS, evaluated). */
function thread(code: string): Worker {
  return new Worker(`const { parentPort } = require('node:worker_threads');\n${code}`, {
    eval: true,
  });
}

describe('threadReady', () => {
  it('resolves once the thread says ready', async () => {
    const worker = thread("parentPort.postMessage('ready');");
    await expect(threadReady(worker, 'test thread')).resolves.toBeUndefined();
    await worker.terminate();
  });

  it('fails when the thread says something else, and stops it', async () => {
    const worker = thread("parentPort.postMessage('busy'); setInterval(() => {}, 1000);");
    const exited = new Promise((resolve) => worker.once('exit', resolve));
    await expect(threadReady(worker, 'test thread')).rejects.toThrow(
      'the test thread answered "busy" instead of ready',
    );
    await exited;
  });

  it('fails when the thread exits before it is ready, rather than waiting for ever', async () => {
    const worker = thread('process.exit(3);');
    await expect(threadReady(worker, 'test thread')).rejects.toThrow(
      'the test thread exited with code 3 before it was ready',
    );
  });

  it('fails with the error the thread throws at start', async () => {
    const worker = thread("throw new Error('no libvirt here');");
    await expect(threadReady(worker, 'test thread')).rejects.toThrow('no libvirt here');
  });
});
