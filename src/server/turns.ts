/**
 * Takes turns at the event loop for the server's heavy work: building an answer from a whole
 * snapshot tree (thousands of nodes, then their JSON) takes milliseconds on the main thread,
 * and two of them back to back in one turn of the loop hold up every timer and socket for
 * both. `take` resolves at once when nothing heavy has run in this turn, and otherwise in a
 * later turn (after the timers due by then), so that at most one such answer is built per turn.
 */
export class Turns {
  #taken = false;

  /** Resolves when the caller may do its heavy work: now, or in a later turn of the loop. */
  async take(): Promise<void> {
    while (this.#taken) {
      await new Promise((resolve) => setTimeout(resolve, 0));
    }

    this.#taken = true;
    // The check phase ends the turn: whatever waits may go in the next one.
    setImmediate(() => {
      this.#taken = false;
    });
  }
}
