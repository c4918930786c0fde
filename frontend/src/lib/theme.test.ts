// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import type { Backend, Events } from './bridge';
import { followTheme } from './theme';

function core() {
  const handlers = new Map<string, (data: unknown) => void>();
  const on: Backend['on'] = (name, handler) => {
    handlers.set(name, handler as (data: unknown) => void);
    return () => handlers.delete(name);
  };
  const emit = <K extends keyof Events>(name: K, data: Events[K]) => handlers.get(name)?.(data);
  return { on, emit, handlers };
}

const settings = (theme: string) => ({ theme, defaultModel: '', proxy: '', anthropic: {}, gateway: {} });

describe('followTheme', () => {
  it('follows the system until the settings say otherwise, then every change', () => {
    const c = core();
    const root = document.createElement('html');
    followTheme(c, root);
    expect(root.dataset.theme).toBe('system');
    c.emit('settings', settings('dark'));
    expect(root.dataset.theme).toBe('dark');
    c.emit('settings', settings('light'));
    expect(root.dataset.theme).toBe('light');
  });

  it('stops following when unsubscribed', () => {
    const c = core();
    const root = document.createElement('html');
    const off = followTheme(c, root);
    off();
    expect(c.handlers.size).toBe(0);
  });
});
