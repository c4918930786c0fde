import { errorText } from './labels';
import type { Backend, ChatMessage, ChatUpdate } from './bridge';

/** How many earlier messages loadOlder() fetches at a time. */
const PAGE = 30;

/**
 * One chat window's conversation: the end of it, kept in step with the
 * core's events. Call start() with the conversation's id, and again to
 * show another conversation.
 *
 * Only the last messages are loaded at first; loadOlder() fetches earlier
 * ones as the user scrolls up. Events are applied in the order of their seq
 * numbers, whatever order they arrive in, and those already in the opening
 * snapshot are skipped.
 */
export class Conversation {
  /** The loaded messages: the conversation's from index `first` to its end. */
  messages = $state<ChatMessage[]>([]);
  /** The index in the conversation of messages[0]; 0 once all are loaded. */
  first = $state(0);
  /** The conversation's id, once started. */
  id = $state('');
  /** A passing notice on a reply being written ("trying again…"), by its index in the conversation. */
  notices = $state<Record<number, string>>({});
  model = $state('');
  system = $state('');
  /** Why the last action failed, for the user; the typed text is kept. */
  error = $state<string | null>(null);

  #backend: Backend;
  #applied = -1; // seq of the last event applied; -1 until the snapshot
  #waiting = new Map<number, ChatUpdate>();
  #off: (() => void) | null = null;
  #loading: Promise<void> | null = null;

  constructor(backend: Backend) {
    this.#backend = backend;
  }

  /** True while Claude is writing the last message. */
  get streaming(): boolean {
    return this.messages.at(-1)?.status === 'streaming';
  }

  async start(conv: string): Promise<void> {
    this.#off?.();
    this.id = conv;
    this.messages = [];
    this.first = 0;
    this.notices = {};
    this.error = null;
    this.#applied = -1;
    this.#waiting.clear();
    this.#loading = null;
    const take = (u: ChatUpdate) => this.#receive(u);
    const off = this.#backend.onChat(conv, { message: take, delta: take, removed: take, notice: (u) => this.#notice(u) });
    this.#off = off;
    try {
      const snap = await this.#backend.chatMessages();
      if (this.#off !== off) return; // another conversation was started meanwhile
      this.messages = snap.messages ?? [];
      this.first = snap.first ?? 0;
      this.model = snap.model;
      this.system = snap.system;
      this.#applied = snap.seq;
      this.#drain();
    } catch (err) {
      if (this.#off === off) this.error = errorText(err);
    }
  }

  /** Loads the page of messages before the first loaded one; resolves to how many came. */
  async loadOlder(count = PAGE): Promise<number> {
    if (this.first === 0 || this.#applied < 0) return 0;
    if (this.#loading) {
      await this.#loading;
      return 0;
    }
    const off = this.#off;
    const from = Math.max(0, this.first - count);
    let got = 0;
    this.#loading = (async () => {
      try {
        const page = (await this.#backend.chatPage(from, this.first)) ?? [];
        if (this.#off !== off) return;
        this.messages = [...page, ...this.messages];
        this.first -= page.length;
        got = page.length;
      } catch (err) {
        this.error = errorText(err);
      }
    })();
    await this.#loading;
    this.#loading = null;
    return got;
  }

  /** Loads earlier messages until the one at index position is loaded. */
  async loadUntil(position: number): Promise<void> {
    while (position >= 0 && position < this.first) {
      if (this.#loading) {
        await this.#loading; // a page the user scrolled to; then go on
        continue;
      }
      if ((await this.loadOlder(this.first - position + 10)) === 0) return;
    }
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

  // Events name messages by their index in the whole conversation, and so
  // do notices.
  #apply(u: ChatUpdate) {
    const i = u.index - this.first;
    if (i < 0) return; // a message not loaded here
    if (u.notice !== undefined) {
      if (u.notice) this.notices[u.index] = u.notice;
      else delete this.notices[u.index];
    } else if (u.message) {
      delete this.notices[u.index];
      this.messages[i] = u.message;
    } else if (u.text !== undefined && u.text !== '') {
      const m = this.messages[i];
      if (m) m.text += u.text;
    } else {
      this.messages.splice(i, 1);
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
      this.error = errorText(err);
      return false;
    }
  }
}
