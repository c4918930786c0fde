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
  /** A passing notice on a reply being written ("trying again…"), by index. */
  notices = $state<Record<number, string>>({});
  model = $state('');
  system = $state('');
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
    this.#backend.onChat(conv, { message: take, delta: take, removed: take, notice: (u) => this.#notice(u) });
    const snap = await this.#backend.chatMessages();
    this.messages = snap.messages ?? [];
    this.model = snap.model;
    this.system = snap.system;
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

  #notice(u: ChatUpdate) {
    this.#receive({ ...u, notice: u.text ?? '' });
  }

  #apply(u: ChatUpdate) {
    if (u.notice !== undefined) {
      if (u.notice) this.notices[u.index] = u.notice;
      else delete this.notices[u.index];
    } else if (u.message) {
      delete this.notices[u.index];
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

  /** Writes the last reply again: after a failure, or to regenerate it. */
  async retry(): Promise<boolean> {
    return this.#run(() => this.#backend.chatRetry());
  }

  /** Replaces the last message the user sent, and asks again. */
  async edit(text: string): Promise<boolean> {
    return this.#run(() => this.#backend.chatEdit(text));
  }

  async setModel(model: string): Promise<boolean> {
    const ok = await this.#run(() => this.#backend.chatSetModel(model));
    if (ok) this.model = model;
    return ok;
  }

  async setSystem(system: string): Promise<boolean> {
    const ok = await this.#run(() => this.#backend.chatSetSystem(system));
    if (ok) this.system = system.trim();
    return ok;
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
