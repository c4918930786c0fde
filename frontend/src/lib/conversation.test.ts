import { describe, expect, it } from 'vitest';
import type { ChatHandlers, ChatSnapshot, ChatUpdate } from './bridge';
import { Conversation } from './conversation.svelte';

// A stand-in core: it hands out a snapshot of the conversation's end, pages
// of earlier messages, and lets the test deliver events in any order, as a
// dev build's websocket may.
function core(partial: Omit<ChatSnapshot, 'model' | 'system' | 'first' | 'total'> & { earlier?: ChatSnapshot['messages'] }) {
  const earlier = partial.earlier ?? [];
  const snapshot: ChatSnapshot = {
    model: 'claude-sonnet-4-5', system: '', first: earlier.length, total: earlier.length + partial.messages.length,
    messages: partial.messages, seq: partial.seq,
  };
  const handlers = new Map<string, ChatHandlers>();
  let current = '';
  const pages: [number, number][] = [];
  const backend = {
    onChat: (conv: string, h: ChatHandlers) => {
      handlers.set(conv, h);
      current = conv;
      return () => handlers.delete(conv);
    },
    chatMessages: async () => snapshot,
    chatPage: async (from: number, to: number) => {
      pages.push([from, to]);
      return earlier.slice(Math.max(from, 0), to);
    },
  };
  const deliver = (u: ChatUpdate, conv = current) => {
    const h = handlers.get(conv);
    if (!h) return; // nobody listens to that conversation any more
    if (u.notice !== undefined) h.notice({ ...u, text: u.notice, notice: undefined });
    else if (u.message) h.message(u);
    else if (u.text !== undefined) h.delta(u);
    else h.removed(u);
  };
  return { backend: backend as never, deliver, pages };
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

  it('loads the end of a long conversation first, then earlier pages, and places events by their index', async () => {
    const earlier = Array.from({ length: 120 }, (_, i) => ({ role: i % 2 ? 'assistant' : 'user', text: `m${i}`, status: 'complete' }));
    const { backend, deliver, pages } = core({ earlier, messages: [{ ...user }, { ...streaming }], seq: 7 });
    const c = new Conversation(backend);
    await c.start('c-1');
    expect(c.first).toBe(120);
    deliver({ seq: 8, index: 121, text: 'Hel' });
    expect(c.messages[1].text).toBe('Hel');
    deliver({ seq: 9, index: 121, notice: 'Anthropic is busy; trying again (1)…' });
    expect(await c.loadOlder(50)).toBe(50);
    expect(c.notices[121]).toMatch(/trying again/); // still on the reply, not on an older message
    deliver({ seq: 10, index: 121, notice: '' });
    expect(c.first).toBe(70);
    expect(c.messages[0].text).toBe('m70');
    deliver({ seq: 11, index: 121, text: 'lo' });
    expect(c.messages.at(-1)?.text).toBe('Hello');
    // A page the user scrolled to is still loading when a search result
    // asks for an earlier message: both land.
    const scrolled = c.loadOlder(10);
    await c.loadUntil(5);
    await scrolled;
    expect(c.first).toBeLessThanOrEqual(5);
    expect(c.messages[5 - c.first].text).toBe('m5');
    await c.loadUntil(0);
    expect(c.first).toBe(0);
    expect(await c.loadOlder()).toBe(0);
    expect(c.messages).toHaveLength(122);
    expect(pages[0]).toEqual([70, 120]);
  });

  it('shows another conversation when started again, and ignores the first one from then on', async () => {
    const { backend, deliver } = core({ messages: [{ ...user }, { ...streaming }], seq: 2 });
    const c = new Conversation(backend);
    await c.start('c-1');
    await c.start('c-2');
    expect(c.id).toBe('c-2');
    deliver({ seq: 3, index: 1, text: 'from c-1' }, 'c-1');
    expect(c.messages[1].text).toBe('');
  });
});
