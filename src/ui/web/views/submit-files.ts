import type { RunFile } from '../../shared/types.js';
import { h } from '../dom.js';
import { labelled, type FieldLookup, type FieldSlot } from '../fields.js';

const MAX_FILES = 20;

interface Row {
  el: HTMLFieldSetElement;
  legend: HTMLLegendElement;
  name: HTMLInputElement;
  content: HTMLTextAreaElement;
  encoding: RunFile['encoding'];
  nameSlot: FieldSlot;
  contentSlot: FieldSlot;
}

export interface FilesEditor {
  el: HTMLElement;
  get(): { files: RunFile[]; args: string };
  set(files: RunFile[], args: string): void;
  lookup: FieldLookup;
}

/** The Files tab: files put beside the code in the sandbox's workdir (name + content), and the program's arguments. */
export function filesEditor(codeFileName: () => string, onChange: () => void): FilesEditor {
  const rows: Row[] = [];
  const list = h('div', { class: 'item-list' });
  const empty = h('p', { class: 'hint' }, 'No files yet. The program finds them in its working directory.');
  const addBtn = h('button', { type: 'button', class: 'btn btn-small' }, '+ Add file');
  const args = h('textarea', { rows: 3, spellcheck: 'false', class: 'mono', name: 'args' });
  const argsField = labelled(
    'Program arguments (one per line)',
    args,
    'Passed to the program after its command, e.g. as sys.argv[1:] in Python.',
  );

  const renumber = () => {
    rows.forEach((r, i) => (r.legend.textContent = `File ${i + 1}`));
    empty.hidden = rows.length > 0;
    addBtn.disabled = rows.length >= MAX_FILES;
    onChange();
  };

  const add = (file: RunFile = { name: '', content: '', encoding: 'utf8' }, focus = false): Row => {
    const name = h('input', { type: 'text', spellcheck: 'false', autocomplete: 'off', class: 'mono' });
    const content = h('textarea', { rows: 4, spellcheck: 'false', class: 'mono' });
    name.value = file.name;
    content.value = file.content;
    const nameField = labelled(
      'Name',
      name,
      `A relative path such as data.txt or lib/util.py (not ${codeFileName()}).`,
    );
    const contentField = labelled(
      file.encoding === 'base64' ? 'Content (base64)' : 'Content',
      content,
      file.encoding === 'base64' ? 'Binary content, base64-encoded: sent as it is.' : undefined,
    );
    const legend = h('legend', {});
    const remove = h('button', { type: 'button', class: 'btn btn-small btn-danger' }, 'Remove');
    const el = h(
      'fieldset',
      { class: 'item' },
      legend,
      h('div', { class: 'item-body' }, nameField.el, contentField.el),
      h('div', { class: 'item-tools' }, remove),
    );
    const row: Row = {
      el,
      legend,
      name,
      content,
      encoding: file.encoding,
      nameSlot: { ...nameField.slot, tab: 'files' },
      contentSlot: { ...contentField.slot, tab: 'files' },
    };
    remove.setAttribute('aria-label', 'Remove this file');
    remove.addEventListener('click', () => {
      const i = rows.indexOf(row);
      rows.splice(i, 1);
      el.remove();
      renumber();
      (rows[i]?.name ?? rows[i - 1]?.name ?? addBtn).focus();
    });
    name.addEventListener('input', onChange);
    content.addEventListener('input', onChange);
    rows.push(row);
    list.append(el);
    renumber();
    if (focus) name.focus();
    return row;
  };
  addBtn.addEventListener('click', () => add(undefined, true));
  args.addEventListener('input', onChange);
  renumber();

  return {
    el: h(
      'div',
      { class: 'tab-body' },
      h('p', { class: 'hint' }, `Up to ${MAX_FILES} text files, written next to the code before it compiles and runs.`),
      list,
      empty,
      h('div', { class: 'actions' }, addBtn),
      h('div', { class: 'field-sep' }, argsField.el),
    ),
    get: () => ({
      files: rows.map((r) => ({ name: r.name.value.trim(), content: r.content.value, encoding: r.encoding })),
      args: args.value,
    }),
    set(files, text) {
      for (const r of rows.splice(0)) r.el.remove();
      for (const f of files) add(f);
      args.value = text;
      renumber();
    },
    lookup(field) {
      if (field === 'body.args' || field.startsWith('body.args.')) return { ...argsField.slot, tab: 'files' };
      const m = /^body\.files\.(\d+)\.(name|content|encoding)$/.exec(field);
      const row = m ? rows[Number(m[1])] : undefined;
      if (!row) return null;
      return m?.[2] === 'name' ? row.nameSlot : row.contentSlot;
    },
  };
}
