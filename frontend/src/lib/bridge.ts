// The one module that talks to the Go side. Components use the Backend
// interface below and never touch window.go or window.runtime themselves.
import {
  CancelSignIn,
  ChatEdit,
  ChatMessages,
  ChatPage,
  ChatModels,
  ChatSetModel,
  ChatSetSystem,
  ChatRetry,
  ChatSend,
  ChatStop,
  ChooseStorage,
  CloseWindow,
  Conversations,
  DeleteConversation,
  ExportConversation,
  ImportEnvKey,
  NewConversation,
  OpenConversation,
  OpenWindow,
  PasteCode,
  UseSDKProfile,
  Ready,
  RenameConversation,
  RestoreConversation,
  Search,
  SignInOptions,
  SignInWithKey,
  SignOut,
  StartOAuth,
} from '../../wailsjs/go/main/App';
import type { chat, ipc } from '../../wailsjs/go/models';
import { Models, SaveSettings, Settings as LoadSettings } from '../../wailsjs/go/main/App';
import { BrowserOpenURL, ClipboardGetText, ClipboardSetText, EventsOn } from '../../wailsjs/runtime/runtime';

export type Role = 'chat' | 'onboarding' | 'settings';

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

/** How a sign-in is going (mirrors ipc.SignInProgress). */
export interface SignInProgress {
  state: 'idle' | 'waiting-for-browser' | 'checking' | 'signed-in' | 'failed' | 'needs-storage';
  method?: string;
  message?: string;
  /** The browser sign-in address, to open by hand if the browser did not. */
  authUrl?: string;
}

/** What the wizard offers (mirrors ipc.SignInOptions). */
export type SignInOptions = ipc.SignInOptions;
export type SignInMethod = ipc.SignInMethod;

/** One turn of a conversation (mirrors chat.Message). */
export type ChatMessage = chat.Message;

/** A conversation as it stands (mirrors chat.Snapshot). */
export type ChatSnapshot = chat.Snapshot;

/** A saved conversation, as lists show it (mirrors ipc.ConversationInfo). */
export type ConversationInfo = ipc.ConversationInfo;

/** A message that matches a search (mirrors ipc.SearchHit). */
export type SearchHit = ipc.SearchHit;

/** Which conversation a window is to show (mirrors ipc.ConversationShown). */
export interface ConversationShown {
  conversationId: string;
  /** The message to bring into view, -1 for the end. */
  position: number;
}

/** The model picker's choices (mirrors ipc.ModelList). */
export type ModelList = ipc.ModelList;

/** A conversation event: a whole message, text to append, a notice, or a removal. */
export interface ChatUpdate {
  /** Numbers the conversation's events from 1, to apply them in order. */
  seq: number;
  index: number;
  message?: ChatMessage;
  text?: string;
  /** Set on notice events: the notice, or '' to clear it. */
  notice?: string;
}

/** Handlers for one conversation's events. */
export interface ChatHandlers {
  message(u: ChatUpdate): void;
  delta(u: ChatUpdate): void;
  removed(u: ChatUpdate): void;
  notice(u: ChatUpdate): void;
}

/** The events the core sends, by name, with their data. */
export interface Events {
  windows: WindowInfo[];
  account: Account;
  signin: SignInProgress;
  conversations: ConversationInfo[];
  conversation: ConversationShown;
  settings: Settings;
}

/** What a page can ask of the core. Failures reject with the core's message. */
export interface Backend {
  /** Says the page listens; call it only after subscribing with on(). */
  ready(): Promise<Hello>;
  openWindow(role: Role): Promise<void>;
  closeWindow(): Promise<void>;
  signInOptions(): Promise<SignInOptions>;
  /** Hands a pasted key to the core, which checks and keeps it. */
  signInWithKey(key: string): Promise<void>;
  importEnvKey(): Promise<void>;
  startOAuth(method: string): Promise<void>;
  pasteCode(code: string): Promise<void>;
  /** Signs in with an Anthropic SDK profile (ant auth login), by name. */
  useSDKProfile(name: string): Promise<void>;
  cancelSignIn(): Promise<void>;
  chooseStorage(choice: 'session' | 'file'): Promise<void>;
  signOut(): Promise<void>;
  copyText(text: string): Promise<boolean>;
  /** Opens an http(s) or mailto address in the system browser. */
  openLink(url: string): void;
  chatMessages(): Promise<ChatSnapshot>;
  chatSend(text: string): Promise<void>;
  chatStop(): Promise<void>;
  chatRetry(): Promise<void>;
  chatEdit(text: string): Promise<void>;
  chatModels(): Promise<ModelList>;
  chatSetModel(model: string): Promise<void>;
  chatSetSystem(system: string): Promise<void>;
  /** This window's conversation's messages from index from up to (not including) to. */
  chatPage(from: number, to: number): Promise<ChatMessage[]>;
  conversations(): Promise<ConversationInfo[]>;
  /** Shows a saved conversation here, or in a new window, at message position (-1: the end). */
  openConversation(id: string, newWindow: boolean, position: number): Promise<void>;
  newConversation(): Promise<void>;
  renameConversation(id: string, title: string): Promise<void>;
  deleteConversation(id: string): Promise<void>;
  restoreConversation(id: string): Promise<void>;
  search(query: string): Promise<SearchHit[]>;
  /** Asks where to save this conversation, and saves it; resolves to the path, or '' if cancelled. */
  exportConversation(format: 'markdown' | 'json', title: string): Promise<string>;
  /** Subscribes to conversation conv's events; returns the unsubscribe function. */
  onChat(conv: string, h: ChatHandlers): () => void;
  /** Subscribes to an event; returns the unsubscribe function. */
  on<K extends keyof Events>(name: K, handler: (data: Events[K]) => void): () => void;
}

/**
 * Subscribes to a state event, keeping only the newest: the window numbers
 * its events, and a dev build's websocket may deliver them out of order.
 */
function onLatest<T>(name: string, handler: (data: T) => void): () => void {
  let last = 0;
  return EventsOn(name, (data: T, seq: number) => {
    if (seq <= last) return;
    last = seq;
    handler(data);
  });
}

/** The Backend of a real window: the generated Wails bindings. */
export const wailsBackend: Backend = {
  ready: () => Ready(),
  openWindow: (role) => OpenWindow(role),
  closeWindow: () => CloseWindow(),
  signInOptions: () => SignInOptions(),
  signInWithKey: (key) => SignInWithKey(key),
  importEnvKey: () => ImportEnvKey(),
  startOAuth: (method) => StartOAuth(method),
  pasteCode: (code) => PasteCode(code),
  useSDKProfile: (name) => UseSDKProfile(name),
  cancelSignIn: () => CancelSignIn(),
  chooseStorage: (choice) => ChooseStorage(choice),
  signOut: () => SignOut(),
  copyText: (text) => ClipboardSetText(text),
  openLink: (url) => BrowserOpenURL(url),
  chatMessages: () => ChatMessages(),
  chatSend: (text) => ChatSend(text),
  chatStop: () => ChatStop(),
  chatRetry: () => ChatRetry(),
  chatEdit: (text) => ChatEdit(text),
  chatModels: () => ChatModels(),
  chatSetModel: (model) => ChatSetModel(model),
  chatSetSystem: (system) => ChatSetSystem(system),
  chatPage: (from, to) => ChatPage(from, to),
  conversations: () => Conversations(),
  openConversation: (id, newWindow, position) => OpenConversation(id, newWindow, position),
  newConversation: () => NewConversation(),
  renameConversation: (id, title) => RenameConversation(id, title),
  deleteConversation: (id) => DeleteConversation(id),
  restoreConversation: (id) => RestoreConversation(id),
  search: (query) => Search(query),
  exportConversation: (format, title) => ExportConversation(format, title),
  onChat: (conv, h) => {
    const offs = (['message', 'delta', 'removed', 'notice'] as const).map((kind) =>
      EventsOn(`chat:${kind}:${conv}`, (u: ChatUpdate) => h[kind](u)),
    );
    return () => offs.forEach((off) => off());
  },
  on: (name, handler) => onLatest(name, handler),
};

/** The settings the Settings window edits (mirrors ipc.Settings). Never a secret. */
export type Settings = ipc.Settings;
/** The settings, and where Parley keeps its files (mirrors ipc.SettingsInfo). */
export type SettingsInfo = ipc.SettingsInfo;
/** A change to the settings: what it leaves out stays (mirrors ipc.SettingsChange). */
export type SettingsChange = ipc.SettingsChange;

/** A command of the Edit menu, which the page carries out (see lib/edit.ts). */
export type EditAction = 'cut' | 'copy' | 'paste' | 'selectAll';

/** What a page asks of Parley as a whole and of the desktop. Failures reject with the core's message. */
export interface Desktop {
  settings(): Promise<SettingsInfo>;
  /** Saves a change; every window follows. A bad value changes nothing, and the message says what to write. */
  saveSettings(change: SettingsChange): Promise<Settings>;
  /** The models the account may use (a usual list, with a note, when it cannot be fetched). */
  models(): Promise<ModelList>;
  readClipboard(): Promise<string>;
  writeClipboard(text: string): Promise<boolean>;
  /** Subscribes to the Edit menu's commands; returns the unsubscribe function. */
  onEdit(handler: (action: EditAction) => void): () => void;
}

/** The Desktop of a real window. */
export const wailsDesktop: Desktop = {
  settings: () => LoadSettings(),
  saveSettings: (change) => SaveSettings(change),
  models: () => Models(),
  readClipboard: () => ClipboardGetText(),
  writeClipboard: (text) => ClipboardSetText(text),
  onEdit: (handler) => EventsOn('edit', handler),
};
