import { describe, expect, it } from 'vitest';
import { Turns } from '../../src/server/turns.ts';

describe('Turns', () => {
  it('lets the first large answer of a turn go at once', async () => {
    const turns = new Turns();
    let taken = false;
    void turns.take().then(() => {
      taken = true;
    });
    // Only microtasks in between: still the same turn of the event loop.
    await Promise.resolve();
    await Promise.resolve();

    expect(taken).toBe(true);
  });

  it('sends a second one asked for in the same turn to a later turn, after due timers', async () => {
    const turns = new Turns();
    const order: string[] = [];
    // A timer set before (as a waiting client's, or the event loop's own) runs first.
    setTimeout(() => order.push('timer'), 0);
    const first = turns.take().then(() => order.push('first'));
    const second = turns.take().then(() => order.push('second'));
    await Promise.all([first, second]);

    expect(order).toEqual(['first', 'timer', 'second']);
  });

  it('builds one answer per turn however many wait', async () => {
    const turns = new Turns();
    const turnOf: number[] = [];
    let turn = 0;
    const ticker = setInterval(() => {
      turn += 1;
    }, 0);
    await Promise.all(Array.from({ length: 5 }, () => turns.take().then(() => turnOf.push(turn))));
    clearInterval(ticker);

    expect(new Set(turnOf).size).toBe(5);
  });
});
