import type { Account, WindowInfo } from './bridge';

/** The words the account badge shows for an account state. */
export function accountText(account: Account): string {
  switch (account.state) {
    case 'signed-in':
      return account.label ? `Signed in as ${account.label}` : 'Signed in';
    case 'needs-sign-in':
      return 'Sign in again';
    default:
      return 'Not signed in';
  }
}

/** How the window list names a window: by its conversation's title once it has one. */
export function windowName(w: WindowInfo): string {
  if (w.role !== 'chat') return 'Sign-in';
  if (w.title && w.title !== 'New chat') return w.title;
  return `Chat ${w.conversationId ?? ''}`.trim();
}
