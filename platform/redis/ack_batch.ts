/**
 * Acknowledgements as few round trips as the server allows: the first is sent at once, and those
 * asked for while it is on its way go together in the next command (XACK takes many ids), so under
 * load a Redis source sends one XACK per batch of finished entries, not one per entry, and adds no
 * wait when idle. Each `ack` resolves once the command carrying its id succeeded (rejects if it failed).
 */
export class AckBatch {
  #next: { ids: string[]; done: PromiseWithResolvers<void> } | undefined;
  #sending = false;

  constructor(private readonly send: (ids: string[]) => Promise<unknown>) {}

  ack(id: string): Promise<void> {
    this.#next ??= { ids: [], done: Promise.withResolvers<void>() };
    this.#next.ids.push(id);
    const { promise } = this.#next.done;
    if (!this.#sending) this.#sendAll();
    return promise;
  }

  async #sendAll() {
    this.#sending = true;
    while (this.#next) {
      const batch = this.#next;
      this.#next = undefined;
      try {
        await this.send(batch.ids);
        batch.done.resolve();
      } catch (err) {
        batch.done.reject(err);
      }
    }
    this.#sending = false;
  }
}
