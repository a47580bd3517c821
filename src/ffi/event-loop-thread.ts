import { parentPort, workerData } from 'node:worker_threads';
import { invoke, loadLibraries, takeLastError } from './native.ts';

/**
 * The event-loop thread: runs libvirt's default event loop until the main thread raises the
 * stop flag. libvirt dispatches keep-alive, close and domain-event callbacks from here.
 */

/** What the main thread hands the event-loop thread. */
export interface EventLoopThreadData {
  /** One Int32 slot: 0 while running, 1 once the main thread asks the loop to stop. */
  stop: SharedArrayBuffer;
}

const port = parentPort;
if (port !== null) {
  loadLibraries();
  const stop = new Int32Array((workerData as EventLoopThreadData).stop);
  port.postMessage('ready');
  while (Atomics.load(stop, 0) === 0) {
    if (invoke('virEventRunDefaultImpl') < 0) {
      port.postMessage({ failure: takeLastError('virEventRunDefaultImpl').message });
      break;
    }
  }
}
