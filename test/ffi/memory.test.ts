import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);

// glibc's allocator with one arena and fixed mmap/trim thresholds: its own per-thread arenas
// and moving thresholds otherwise grow RSS by tens of bytes a cycle with nothing held. A
// leaked snapshot per cycle still shows as more than 100 bytes a cycle.
const ALLOCATOR = {
  MALLOC_ARENA_MAX: '1',
  MALLOC_MMAP_THRESHOLD_: '65536',
  MALLOC_TRIM_THRESHOLD_: '65536',
};
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
      { timeout: 240_000, env: { ...process.env, ...ALLOCATOR } },
    );
    const result = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as SoakResult;

    expect(result.cycles).toBe(20_000);
    expect(result.bytesPerCycle).toBeLessThanOrEqual(64);
  }, 300_000);
});
