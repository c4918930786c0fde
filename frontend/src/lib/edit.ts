// The Edit menu: Cut, Copy, Paste and Select All. Their shortcuts reach the
// window's menu before the web view, so the page carries them out itself,
// with the window's clipboard.
import type { Desktop, EditAction } from './bridge';

/** The clipboard the Edit menu uses. */
export type Clipboard = Pick<Desktop, 'readClipboard' | 'writeClipboard'>;

type TextField = HTMLInputElement | HTMLTextAreaElement;

/** Input types whose text can be selected and edited in place. */
const textInputs = new Set(['text', 'search', 'url', 'tel', 'password', 'email']);

function textField(el: Element | null): TextField | null {
  if (el instanceof HTMLTextAreaElement) return el;
  if (el instanceof HTMLInputElement && textInputs.has(el.type)) return el;
  return null;
}

function editable(field: TextField): boolean {
  return !field.readOnly && !field.disabled;
}

/** The selected text: in the focused field, else on the page. A password is never copied. */
function selectedText(doc: Document, field: TextField | null): string {
  if (!field) return doc.getSelection()?.toString() ?? '';
  if (field.type === 'password') return '';
  return field.value.slice(field.selectionStart ?? 0, field.selectionEnd ?? 0);
}

/** Replaces the field's selection with text, caret after it, and tells the page's bindings. */
function replaceSelection(field: TextField, text: string) {
  field.setRangeText(text, field.selectionStart ?? 0, field.selectionEnd ?? 0, 'end');
  field.dispatchEvent(new Event('input', { bubbles: true }));
}

/**
 * Notes the selection, and returns how to put it back: the window's
 * clipboard also takes the X primary selection, and WebKit drops its own
 * selection when it loses that.
 */
function keepSelection(doc: Document, field: TextField | null): () => void {
  if (field) {
    const [start, end] = [field.selectionStart, field.selectionEnd];
    return () => {
      if (doc.activeElement === field && start !== null && end !== null) field.setSelectionRange(start, end);
    };
  }
  const sel = doc.getSelection();
  const ranges = sel ? Array.from({ length: sel.rangeCount }, (_, i) => sel.getRangeAt(i).cloneRange()) : [];
  return () => {
    sel?.removeAllRanges();
    ranges.forEach((r) => sel?.addRange(r));
  };
}

/** Carries out an Edit menu command on doc's focused field, or on the page. */
export async function runEdit(action: EditAction, doc: Document, clipboard: Clipboard): Promise<void> {
  const field = textField(doc.activeElement);
  switch (action) {
    case 'selectAll':
      if (field) field.select();
      else doc.getSelection()?.selectAllChildren(doc.body);
      return;
    case 'copy':
    case 'cut': {
      const text = selectedText(doc, field);
      if (!text) return;
      if (action === 'cut' && field && editable(field)) {
        replaceSelection(field, '');
        await clipboard.writeClipboard(text);
        return;
      }
      const restore = keepSelection(doc, field);
      await clipboard.writeClipboard(text);
      restore();
      return;
    }
    case 'paste': {
      if (!field || !editable(field)) return;
      const text = await clipboard.readClipboard();
      if (text) replaceSelection(field, text);
      return;
    }
  }
}

/** Carries out the Edit menu's commands on doc from now on; returns the unsubscribe function. */
export function followEditMenu(desktop: Desktop, doc: Document): () => void {
  return desktop.onEdit((action) => {
    runEdit(action, doc, desktop).catch((err) => console.error(`Edit menu: ${action}:`, err));
  });
}
