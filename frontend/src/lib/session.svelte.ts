import { errorText } from './labels';
import type { Account, Backend, ConversationInfo, ConversationShown, Hello, Role, SignInProgress, WindowInfo } from './bridge';

/**
 * A window's view of the core's state. Create one per page and call start()
 * once: it subscribes to every event before it calls Ready(), so nothing the
 * core sends is missed.
 */
export class Session {
  hello = $state<Hello | null>(null);
  windows = $state<WindowInfo[]>([]);
  account = $state<Account>({ state: 'signed-out' });
  signin = $state<SignInProgress>({ state: 'idle' });
  /** The saved conversations, newest first (chat windows only). */
  conversations = $state<ConversationInfo[]>([]);
  /** The conversation this window shows, and the message to bring into view. */
  shown = $state<ConversationShown | null>(null);
  /** What went wrong, in words for the user, or null. */
  error = $state<string | null>(null);

  #backend: Backend;

  constructor(backend: Backend) {
    this.#backend = backend;
  }

  async start(): Promise<void> {
    this.#backend.on('windows', (list) => (this.windows = list));
    this.#backend.on('account', (account) => (this.account = account));
    this.#backend.on('signin', (progress) => (this.signin = progress));
    this.#backend.on('conversations', (list) => (this.conversations = list ?? []));
    let switched = false; // a conversation event may overtake Ready's answer
    this.#backend.on('conversation', (shown) => {
      switched = true;
      this.shown = shown;
    });
    try {
      this.hello = await this.#backend.ready();
      if (!switched && this.hello.conversationId) {
        this.shown = { conversationId: this.hello.conversationId, position: this.hello.position ?? -1 };
      }
    } catch (err) {
      this.error = `This window lost contact with Parley (${errorText(err)}). Close it and start Parley again.`;
    }
  }

  /** The core, for views that call it directly (the wizard). */
  get backend(): Backend {
    return this.#backend;
  }

  async openWindow(role: Role): Promise<void> {
    try {
      await this.#backend.openWindow(role);
      this.error = null;
    } catch (err) {
      this.error = `Could not open a new window: ${errorText(err)}.`;
    }
  }
}
