import { parentPort } from 'node:worker_threads';
import { type CallName, calls } from './calls.ts';
import { LibvirtError } from './libvirt-error.ts';
import { loadLibraries, silenceErrorPrinter } from './native.ts';

/**
 * A call thread: runs libvirt calls for the main thread, one at a time. Being an OS thread
 * of its own, it has its own libvirt error, so errors never cross between calls.
 */

/** A call sent to a call thread. */
export interface CallRequest {
  id: number;
  call: CallName;
  args: unknown[];
}

/** A call thread's answer: the value, or the error the call raised. */
export type CallResponse =
  | { id: number; value: unknown }
  | { id: number; libvirtError: ReturnType<LibvirtError['toDetails']> }
  | { id: number; failure: string };

function answer(request: CallRequest): CallResponse {
  const run = calls[request.call] as (...args: unknown[]) => unknown;
  try {
    return { id: request.id, value: run(...request.args) };
  } catch (error) {
    if (error instanceof LibvirtError) {
      return { id: request.id, libvirtError: error.toDetails() };
    }

    return { id: request.id, failure: error instanceof Error ? error.message : String(error) };
  }
}

const port = parentPort;
if (port !== null) {
  loadLibraries();
  silenceErrorPrinter();
  port.on('message', (request: CallRequest) => port.postMessage(answer(request)));
  port.postMessage('ready');
}
