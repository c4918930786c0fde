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

/** How the window list names a window. */
export function windowName(w: WindowInfo): string {
  return w.role === 'chat' ? `Chat ${w.conversationId ?? ''}`.trim() : 'Sign-in';
}
