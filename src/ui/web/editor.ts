import { basicSetup } from 'codemirror';
import { Compartment, EditorState, Prec, type Extension } from '@codemirror/state';
import { EditorView, keymap } from '@codemirror/view';
import { StreamLanguage } from '@codemirror/language';
import { python } from '@codemirror/lang-python';
import { javascript } from '@codemirror/lang-javascript';
import { shell } from '@codemirror/legacy-modes/mode/shell';
import { go } from '@codemirror/legacy-modes/mode/go';
import { ruby } from '@codemirror/legacy-modes/mode/ruby';
import { rust } from '@codemirror/legacy-modes/mode/rust';
import { c, cpp, java } from '@codemirror/legacy-modes/mode/clike';

/** Syntax highlighting by the language's editor_mode (or its id), from the packages bundled here. */
const MODES: Record<string, () => Extension> = {
  python: () => python(),
  javascript: () => javascript(),
  typescript: () => javascript({ typescript: true }),
  shell: () => StreamLanguage.define(shell),
  bash: () => StreamLanguage.define(shell),
  go: () => StreamLanguage.define(go),
  ruby: () => StreamLanguage.define(ruby),
  rust: () => StreamLanguage.define(rust),
  c: () => StreamLanguage.define(c),
  cpp: () => StreamLanguage.define(cpp),
  java: () => StreamLanguage.define(java),
};

export const modeFor = (mode: string | null, id: string): Extension => (MODES[mode ?? ''] ?? MODES[id])?.() ?? [];

export interface CodeEditor {
  view: EditorView;
  getCode(): string;
  setCode(code: string): void;
  setMode(mode: string | null, id: string): void;
  focus(): void;
}

const theme = EditorView.theme({
  '&': { fontSize: '14px', border: '1px solid var(--border-strong)', borderRadius: '8px', background: '#fff' },
  '&.cm-focused': { outline: '3px solid var(--focus)', outlineOffset: '1px' },
  '.cm-scroller': { fontFamily: 'var(--mono)', minHeight: '240px', maxHeight: '60vh', lineHeight: '1.5' },
  '.cm-gutters': { borderRadius: '8px 0 0 8px', background: '#f6f7f9', color: '#6b7280', border: 'none' },
  '.cm-content': { paddingBlock: '8px' },
});

/**
 * A CodeMirror 6 editor. Tab keeps moving the focus (so keyboard users are never trapped);
 * Ctrl/Cmd+] and Ctrl/Cmd+[ indent. Ctrl/Cmd+Enter calls onRun.
 */
export function createEditor(opts: {
  parent: HTMLElement;
  doc: string;
  mode: string | null;
  id: string;
  labelledBy: string;
  describedBy?: string;
  onRun: () => void;
  onChange?: (code: string) => void;
}): CodeEditor {
  const language = new Compartment();
  const view = new EditorView({
    parent: opts.parent,
    state: EditorState.create({
      doc: opts.doc,
      extensions: [
        Prec.highest(
          keymap.of([
            {
              key: 'Mod-Enter',
              run: () => {
                opts.onRun();
                return true;
              },
            },
          ]),
        ),
        basicSetup,
        language.of(modeFor(opts.mode, opts.id)),
        theme,
        EditorView.contentAttributes.of({
          'aria-labelledby': opts.labelledBy,
          ...(opts.describedBy ? { 'aria-describedby': opts.describedBy } : {}),
          'aria-multiline': 'true',
          role: 'textbox',
          spellcheck: 'false',
          autocorrect: 'off',
          autocapitalize: 'off',
        }),
        EditorView.updateListener.of((u) => {
          if (u.docChanged) opts.onChange?.(u.state.doc.toString());
        }),
      ],
    }),
  });
  return {
    view,
    getCode: () => view.state.doc.toString(),
    setCode: (code) => view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: code } }),
    setMode: (mode, id) => view.dispatch({ effects: language.reconfigure(modeFor(mode, id)) }),
    focus: () => view.focus(),
  };
}
