import { describe, expect, it } from 'vitest';
import type { Backend, Events, Hello, Role } from './bridge';
import { Session } from './session.svelte';

// An in-memory stand-in for the core: it emits state the moment a page is
// ready, as the real core does, and records what the page asked for.
class CoreStandIn implements Backend {
  closeWindow = async () => {};
  signInOptions = async () => ({ methods: [], storage: 'in the system keyring', progress: { state: 'idle' } });
  signInWithKey = async () => {};
  importEnvKey = async () => {};
  startOAuth = async () => {};
  pasteCode = async () => {};
  useSDKProfile = async () => {};
  cancelSignIn = async () => {};
  chooseStorage = async () => {};
  signOut = async () => {};
  copyText = async () => true;
  openLink = () => {};
  chatMessages = async () => ({ messages: [], first: 0, total: 0, seq: 0, model: 'claude-sonnet-4-5', system: '' });
  chatPage = async () => [];
  conversations = async () => [];
  openConversation = async () => {};
  newConversation = async () => {};
  renameConversation = async () => {};
  deleteConversation = async () => {};
  restoreConversation = async () => {};
  search = async () => [];
  exportConversation = async () => '';
  chatSend = async () => {};
  chatStop = async () => {};
  chatRetry = async () => {};
  chatEdit = async () => {};
  chatModels = async () => ({ models: [] });
  chatSetModel = async () => {};
  chatSetSystem = async () => {};
  onChat = () => () => {};
  handlers = new Map<string, (data: unknown) => void>();
  calls: string[] = [];
  opened: Role[] = [];
  failReady: Error | null = null;
  failOpen: Error | null = null;

  emit<K extends keyof Events>(name: K, data: Events[K]) {
    this.handlers.get(name)?.(data); // an event nobody listens to is lost
  }
  on<K extends keyof Events>(name: K, handler: (data: Events[K]) => void) {
    this.calls.push(`on:${name}`);
    this.handlers.set(name, handler as (data: unknown) => void);
    return () => this.handlers.delete(name);
  }
  async ready(): Promise<Hello> {
    this.calls.push('ready');
    if (this.failReady) throw this.failReady;
    this.emit('account', { state: 'signed-in', label: 'ada@example.com' });
    this.emit('windows', [{ id: 1, role: 'chat', title: 'New chat', conversationId: 'c-1' }]);
    return { windowId: 1, role: 'chat', conversationId: 'c-1', position: -1 };
  }
  async openWindow(role: Role) {
    if (this.failOpen) throw this.failOpen;
    this.opened.push(role);
  }
}

describe('Session', () => {
  it('subscribes to every event before calling ready, so the first state is not lost', async () => {
    const core = new CoreStandIn();
    const s = new Session(core);
    await s.start();
    expect(core.calls).toEqual(['on:windows', 'on:account', 'on:signin', 'on:conversations', 'on:conversation', 'ready']);
    expect(s.account).toEqual({ state: 'signed-in', label: 'ada@example.com' });
    expect(s.windows.map((w) => w.id)).toEqual([1]);
    expect(s.hello?.conversationId).toBe('c-1');
  });

  it('follows later events', async () => {
    const core = new CoreStandIn();
    const s = new Session(core);
    await s.start();
    core.emit('windows', [
      { id: 1, role: 'chat', title: 'New chat' },
      { id: 2, role: 'onboarding', title: 'Sign in' },
    ]);
    core.emit('account', { state: 'signed-out' });
    expect(s.windows.map((w) => w.role)).toEqual(['chat', 'onboarding']);
    expect(s.account.state).toBe('signed-out');
    expect(s.shown).toEqual({ conversationId: 'c-1', position: -1 }); // from Ready's answer
    core.emit('conversations', [{ id: 'c-2', title: 'Plans', updated: 1, messages: 2 }]);
    core.emit('conversation', { conversationId: 'c-2', position: 1 });
    expect(s.conversations.map((c) => c.title)).toEqual(['Plans']);
    expect(s.shown).toEqual({ conversationId: 'c-2', position: 1 });
  });

  it('says what to do when the core does not answer', async () => {
    const core = new CoreStandIn();
    core.failReady = new Error('link closed');
    const s = new Session(core);
    await s.start();
    expect(s.hello).toBeNull();
    expect(s.error).toMatch(/link closed.*start Parley again/);
  });

  it('reports a window that could not open, and clears the report on success', async () => {
    const core = new CoreStandIn();
    const s = new Session(core);
    await s.start();
    core.failOpen = new Error('Parley is shutting down');
    await s.openWindow('chat');
    expect(s.error).toBe('Could not open a new window: Parley is shutting down.');
    core.failOpen = null;
    await s.openWindow('onboarding');
    expect(s.error).toBeNull();
    expect(core.opened).toEqual(['onboarding']);
  });
});
