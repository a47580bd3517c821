import {
  createExternalBuffer,
  createPointer,
  DataType,
  type FieldType,
  freePointer,
  funcConstructor,
  PointerType,
} from 'ffi-rs';
import type { Address } from './native.ts';

/**
 * A JS function that libvirt can call through a C function pointer. ffi-rs turns it into a
 * thread-safe function: whichever thread libvirt calls it on, it runs later on the thread
 * that made it (here the main thread), after libvirt's own call has returned. Until it is
 * disposed it keeps the process alive.
 */
export class NativeCallback {
  /** The C function pointer to hand to libvirt. */
  readonly address: Address;
  readonly #type: FieldType;
  readonly #holder: ReturnType<typeof createPointer>;
  #disposed = false;

  constructor(params: DataType[], ret: DataType, run: (...args: never[]) => unknown) {
    this.#type = funcConstructor({ paramsType: params, retType: ret });
    this.#holder = createPointer({ paramsType: [this.#type], paramsValue: [run] });
    const [holder] = this.#holder;
    if (holder === undefined) {
      throw new Error('ffi-rs made no function pointer');
    }

    // createPointer returns where the function pointer is stored; libvirt wants the pointer.
    this.address = createExternalBuffer(holder, 8).readBigUInt64LE(0);
  }

  /** Frees the function pointer; libvirt must no longer hold it. */
  dispose(): void {
    if (this.#disposed) {
      return;
    }

    this.#disposed = true;
    freePointer({
      paramsType: [this.#type],
      paramsValue: this.#holder,
      pointerType: PointerType.RsPointer,
    });
  }
}

export { DataType };
