import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BindingClosedError, type Libvirt, LibvirtError } from '../../src/ffi/index.ts';
import { startBinding } from '../support/binding.ts';

interface Exit {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runScript(script: string, timeoutMs: number): Promise<Exit> {
  const path = fileURLToPath(new URL(`../fixtures/${script}`, import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', path], { stdio: 'pipe' });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });

  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${script} was still running after ${timeoutMs} ms: ${stdout}${stderr}`));
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('closing the binding', () => {
  it('leaves nothing running, so the process exits on its own', async () => {
    const exit = await runScript('open-and-close.ts', 30_000);

    expect(exit.stdout).toContain('closed');
    expect(exit.code).toBe(0);
  });

  it('keeps libvirt from printing errors to stderr', async () => {
    const exit = await runScript('open-and-close.ts', 30_000);

    expect(exit.stderr).toBe('');
  });

  it('refuses calls once closed', async () => {
    const libvirt = await startBinding(1);
    const connection = await libvirt.open('test:///default');
    await libvirt.close();

    expect(connection.alive).toBe(false);
    await expect(libvirt.open('test:///default')).rejects.toThrow(BindingClosedError);
  });
});

describe('errors from several call threads', () => {
  let libvirt: Libvirt;

  beforeAll(async () => {
    libvirt = await startBinding(4);
  });

  afterAll(async () => {
    await libvirt.close();
  });

  it('never hands one call another call’s error', async () => {
    const connection = await libvirt.open('test:///default');
    const domain = await connection.lookupDomainByName('test');
    const names = Array.from({ length: 400 }, (_, index) => `missing-${index}`);

    const outcomes = await Promise.all(
      names.map(async (name, index) => {
        if (index % 4 === 0) {
          return { name, result: await domain.snapshotNum() };
        }

        const failed = await domain.snapshotLookupByName(name).then(
          () => undefined,
          (error: unknown) => error,
        );

        return { name, result: failed };
      }),
    );

    for (const { name, result } of outcomes) {
      if (typeof result === 'number') {
        expect(result).toBeGreaterThanOrEqual(0);
        continue;
      }

      expect(result).toBeInstanceOf(LibvirtError);
      expect((result as LibvirtError).message).toContain(`'${name}'`);
    }

    await domain.free();
    await connection.close();
  });
});
