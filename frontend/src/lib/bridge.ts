// The one module that talks to the Go side. Components use the Backend
// interface below and never touch window.go or window.runtime themselves.
import { OpenWindow, Ready } from '../../wailsjs/go/main/App';
import type { ipc } from '../../wailsjs/go/models';
import { EventsOn } from '../../wailsjs/runtime/runtime';

export type Role = 'chat' | 'onboarding';

/** Who this window is, as the core told it in answer to Ready(). */
export type Hello = ipc.Hello;

/** One open window, as the window list shows it (mirrors ipc.WindowInfo). */
export interface WindowInfo {
  id: number;
  role: Role;
  title: string;
  conversationId?: string;
}

/** The sign-in state every window shows (mirrors ipc.Account). Never a secret. */
export interface Account {
  state: 'signed-out' | 'signed-in' | 'needs-sign-in';
  kind?: 'api-key' | 'oauth';
  /** An email and organisation, or a masked key hint. */
  label?: string;
  /** What went wrong, in words for the user. */
  problem?: string;
}

/** The events the core sends, by name, with their data. */
export interface Events {
  windows: WindowInfo[];
  account: Account;
}

/** What a page can ask of the core. */
export interface Backend {
  /** Says the page listens; call it only after subscribing with on(). */
  ready(): Promise<Hello>;
  openWindow(role: Role): Promise<void>;
  /** Subscribes to an event; returns the unsubscribe function. */
  on<K extends keyof Events>(name: K, handler: (data: Events[K]) => void): () => void;
}

/** The Backend of a real window: the generated Wails bindings. */
export const wailsBackend: Backend = {
  ready: () => Ready(),
  openWindow: (role) => OpenWindow(role),
  on: (name, handler) => EventsOn(name, handler),
};
