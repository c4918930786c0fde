import type { Backend, ChatMessage, ChatUpdate } from './bridge';

/**
 * One chat window's conversation: the messages, kept in step with the
 * core's events. Call start() once the window knows its conversation id.
 *
 * Events are applied in the order of their seq numbers, whatever order
 * they arrive in, and those already in the opening snapshot are skipped.
 */
export class Conversation {
  messages = $state<ChatMessage[]>([]);
  /** Why the last action failed, for the user; the typed text is kept. */
  error = $state<string | null>(null);

  #backend: Backend;
  #applied = -1; // seq of the last event applied; -1 until the snapshot
  #waiting = new Map<number, ChatUpdate>();

  constructor(backend: Backend) {
    this.#backend = backend;
  }

  /** True while Claude is writing the last message. */
  get streaming(): boolean {
    return this.messages.at(-1)?.status === 'streaming';
  }

  async start(conv: string): Promise<void> {
    const take = (u: ChatUpdate) => this.#receive(u);
    this.#backend.onChat(conv, { message: take, delta: take, removed: take });
    const snap = await this.#backend.chatMessages();
    this.messages = snap.messages ?? [];
    this.#applied = snap.seq;
    this.#drain();
  }

  #receive(u: ChatUpdate) {
    this.#waiting.set(u.seq, u);
    if (this.#applied >= 0) this.#drain();
  }

  #drain() {
    for (const seq of [...this.#waiting.keys()]) if (seq <= this.#applied) this.#waiting.delete(seq);
    for (let u = this.#waiting.get(this.#applied + 1); u; u = this.#waiting.get(this.#applied + 1)) {
      this.#waiting.delete(u.seq);
      this.#apply(u);
      this.#applied = u.seq;
    }
  }

  #apply(u: ChatUpdate) {
    if (u.message) {
      this.messages[u.index] = u.message;
    } else if (u.text !== undefined && u.text !== '') {
      const m = this.messages[u.index];
      if (m) m.text += u.text;
    } else {
      this.messages.splice(u.index, 1);
    }
  }

  /** Sends text; resolves true if the core took it. */
  async send(text: string): Promise<boolean> {
    return this.#run(() => this.#backend.chatSend(text));
  }

  async stop(): Promise<boolean> {
    return this.#run(() => this.#backend.chatStop());
  }

  async retry(): Promise<boolean> {
    return this.#run(() => this.#backend.chatRetry());
  }

  async #run(action: () => Promise<void>): Promise<boolean> {
    try {
      await action();
      this.error = null;
      return true;
    } catch (err) {
      this.error = err instanceof Error ? err.message : String(err);
      return false;
    }
  }
}
