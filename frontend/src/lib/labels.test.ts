import { describe, expect, it } from 'vitest';
import { accountText, windowName } from './labels';

describe('accountText', () => {
  it.each([
    [{ state: 'signed-out' } as const, 'Not signed in'],
    [{ state: 'signed-in' } as const, 'Signed in'],
    [{ state: 'signed-in', label: 'sk-ant-…x7Qa' } as const, 'Signed in as sk-ant-…x7Qa'],
    [{ state: 'needs-sign-in', label: 'sk-ant-…x7Qa' } as const, 'Sign in again'],
  ])('%j reads %s', (account, text) => {
    expect(accountText(account)).toBe(text);
  });
});

describe('windowName', () => {
  it('names chat windows by their conversation\'s title, else as a new chat', () => {
    expect(windowName({ id: 3, role: 'chat', title: '', conversationId: 'c-9' })).toBe('New chat');
    expect(windowName({ id: 3, role: 'chat', title: 'How do I print in Go?', conversationId: 'c-9' })).toBe('How do I print in Go?');
  });
  it('names the sign-in and settings windows', () => {
    expect(windowName({ id: 2, role: 'onboarding', title: 'Sign in' })).toBe('Sign-in');
    expect(windowName({ id: 4, role: 'settings', title: 'Settings' })).toBe('Settings');
  });
});
