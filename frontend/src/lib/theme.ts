import type { Backend } from './bridge';

/**
 * Shows the theme the settings name, now and whenever they change: root
 * gets data-theme="system", "light" or "dark", which app.css follows. Call
 * it before the session starts, so the settings the core sends when the
 * page is ready are not missed. Returns the unsubscribe function.
 */
export function followTheme(backend: Pick<Backend, 'on'>, root: HTMLElement): () => void {
  root.dataset.theme ??= 'system';
  return backend.on('settings', (s) => {
    root.dataset.theme = s.theme;
  });
}
