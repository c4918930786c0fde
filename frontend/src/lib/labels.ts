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
  if (w.role === 'onboarding') return 'Sign-in';
  if (w.role === 'settings') return 'Settings';
  return w.title || 'New chat';
}

/** What an error says, for the user: the core's errors are written for them. */
export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
