import { describe, expect, it } from 'vitest';
import { accountText, windowText } from './labels';

describe('accountText', () => {
  it.each([
    [{ state: 'signed-out' } as const, 'Not signed in'],
    [{ state: 'signed-in' } as const, 'Signed in'],
    [{ state: 'signed-in', label: 'sk-ant-…x7Qa' } as const, 'Signed in as sk-ant-…x7Qa'],
  ])('%j reads %s', (account, text) => {
    expect(accountText(account)).toBe(text);
  });
});

describe('windowText', () => {
  it('names chat windows by conversation and marks this window', () => {
    const w = { id: 3, role: 'chat', title: 'New chat', conversationId: 'c-9' } as const;
    expect(windowText(w, 3)).toBe('Chat c-9 (this window)');
    expect(windowText(w, 1)).toBe('Chat c-9');
  });
  it('names the sign-in window', () => {
    expect(windowText({ id: 2, role: 'onboarding', title: 'Sign in' }, 1)).toBe('Sign-in');
  });
});
