import type { Account, WindowInfo } from './bridge';

/** The words the account badge shows for an account state. */
export function accountText(account: Account): string {
  if (account.state === 'signed-in') return account.label ? `Signed in as ${account.label}` : 'Signed in';
  return 'Not signed in';
}

/** How the window list names a window; `self` is this window's id. */
export function windowText(w: WindowInfo, self: number | undefined): string {
  const name = w.role === 'chat' ? `Chat ${w.conversationId ?? ''}`.trim() : 'Sign-in';
  return w.id === self ? `${name} (this window)` : name;
}
