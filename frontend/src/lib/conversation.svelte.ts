import type { Backend, ChatMessage, ChatUpdate } from './bridge';

/**
 * One chat window's conversation: the messages, kept in step with the
 * core's events. Call start() once the window knows its conversation id.
 */
export class Conversation {
  messages = $state<ChatMessage[]>([]);
  /** Why the last action failed, for the user; the typed text is kept. */
  error = $state<string | null>(null);

  #backend: Backend;

  constructor(backend: Backend) {
    this.#backend = backend;
  }

  /** True while Claude is writing the last message. */
  get streaming(): boolean {
    return this.messages.at(-1)?.status === 'streaming';
  }

  async start(conv: string): Promise<void> {
    this.#backend.onChat(conv, {
      message: (u) => this.#set(u),
      delta: (u) => {
        const m = this.messages[u.index];
        if (m) m.text += u.text ?? '';
      },
      removed: (u) => this.messages.splice(u.index, 1),
    });
    const existing = await this.#backend.chatMessages();
    if (this.messages.length === 0) this.messages = existing ?? [];
  }

  #set(u: ChatUpdate) {
    if (!u.message) return;
    if (u.index === this.messages.length) this.messages.push(u.message);
    else this.messages[u.index] = u.message;
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
