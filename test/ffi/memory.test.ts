import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const SOAK = fileURLToPath(new URL('../../bench/snapshot-soak.ts', import.meta.url));

interface SoakResult {
  cycles: number;
  bytesPerCycle: number;
}

describe('ownership of what libvirt returns', () => {
  it('holds resident memory flat over 20,000 create/list/XML/lookup/delete cycles', async () => {
    // A process of its own, so that nothing else the test runner does moves its memory.
    const { stdout } = await run(
      process.execPath,
      ['--expose-gc', '--import', 'tsx', SOAK, '20000', '10000'],
      { timeout: 240_000 },
    );
    const result = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as SoakResult;

    expect(result.cycles).toBe(20_000);
    expect(result.bytesPerCycle).toBeLessThanOrEqual(64);
  }, 300_000);
});
