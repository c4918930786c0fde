import { describe, expect, it } from 'vitest';
import type { ChatHandlers, ChatSnapshot, ChatUpdate } from './bridge';
import { Conversation } from './conversation.svelte';

// A stand-in core for one conversation: it hands out a snapshot and lets
// the test deliver events in any order, as a dev build's websocket may.
function core(partial: Omit<ChatSnapshot, 'model' | 'system'>) {
  const snapshot: ChatSnapshot = { model: 'claude-sonnet-4-5', system: '', ...partial };
  let handlers: ChatHandlers | undefined;
  const backend = {
    onChat: (_conv: string, h: ChatHandlers) => ((handlers = h), () => {}),
    chatMessages: async () => snapshot,
  };
  const deliver = (u: ChatUpdate) => {
    if (u.notice !== undefined) handlers!.notice({ ...u, text: u.notice, notice: undefined });
    else if (u.message) handlers!.message(u);
    else if (u.text !== undefined) handlers!.delta(u);
    else handlers!.removed(u);
  };
  return { backend: backend as never, deliver };
}

const user = { role: 'user', text: 'hi', status: 'complete' };
const streaming = { role: 'assistant', text: '', status: 'streaming' };

describe('Conversation', () => {
  it('applies events in seq order, whatever order they arrive in', async () => {
    const { backend, deliver } = core({ messages: [], seq: 0 });
    const c = new Conversation(backend);
    await c.start('c-1');
    deliver({ seq: 3, index: 1, text: 'Hel' });
    deliver({ seq: 2, index: 1, message: { ...streaming } });
    expect(c.messages).toHaveLength(0); // seq 1 missing: nothing applied yet
    deliver({ seq: 4, index: 1, text: 'lo' });
    deliver({ seq: 1, index: 0, message: { ...user } });
    expect(c.messages.map((m) => m.text)).toEqual(['hi', 'Hello']);
    expect(c.streaming).toBe(true);
  });

  it('skips events already in the snapshot, and waits for it before applying any', async () => {
    const { backend, deliver } = core({ messages: [{ ...user }, { ...streaming, text: 'Hel' }], seq: 3 });
    const c = new Conversation(backend);
    const started = c.start('c-1');
    deliver({ seq: 3, index: 1, text: 'Hel' }); // arrives before the snapshot: already in it
    deliver({ seq: 4, index: 1, text: 'lo' });
    await started;
    expect(c.messages[1].text).toBe('Hello');
  });

  it('shows a notice while retrying and clears it when text arrives', async () => {
    const { backend, deliver } = core({ messages: [{ ...user }, { ...streaming }], seq: 2 });
    const c = new Conversation(backend);
    await c.start('c-1');
    deliver({ seq: 3, index: 1, notice: 'Anthropic is busy; trying again (1)…' });
    expect(c.notices[1]).toMatch(/trying again/);
    deliver({ seq: 4, index: 1, notice: '' });
    deliver({ seq: 5, index: 1, text: 'Hi' });
    expect(c.notices[1]).toBeUndefined();
    expect(c.messages[1].text).toBe('Hi');
  });

  it('removes a failed reply when told', async () => {
    const { backend, deliver } = core({ messages: [{ ...user }, { role: 'assistant', text: '', status: 'error' }], seq: 5 });
    const c = new Conversation(backend);
    await c.start('c-1');
    deliver({ seq: 6, index: 1 });
    expect(c.messages).toHaveLength(1);
  });
});
