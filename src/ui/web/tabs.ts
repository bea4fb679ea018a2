import { h, uid } from './dom.js';

export interface Tabs {
  /** The tab list; put the panels after it. */
  list: HTMLDivElement;
  panels: HTMLDivElement[];
  select(id: string, focus?: boolean): void;
  /** Changes a tab's text (e.g. a count: "Tests (2)"). */
  setLabel(id: string, text: string): void;
  selected(): string;
}

/**
 * Tabs as the ARIA pattern has them: one tab in the Tab order (the selected one), arrow keys, Home and End
 * move between tabs and show their panel at once.
 */
export function tabs(items: { id: string; label: string; panel: HTMLElement }[], ariaLabel: string): Tabs {
  const base = uid('tabs');
  const buttons = items.map((it) =>
    h(
      'button',
      {
        type: 'button',
        role: 'tab',
        class: 'tab',
        id: `${base}-${it.id}-tab`,
        'aria-controls': `${base}-${it.id}-panel`,
        'data-tab': it.id,
      },
      it.label,
    ),
  );
  const panels = items.map((it, i) =>
    h(
      'div',
      {
        role: 'tabpanel',
        class: 'tab-panel',
        id: `${base}-${it.id}-panel`,
        'aria-labelledby': buttons[i]!.id,
        'data-panel': it.id,
      },
      it.panel,
    ),
  );
  const list = h('div', { role: 'tablist', class: 'tabs', 'aria-label': ariaLabel }, buttons);
  let current = items[0]?.id ?? '';

  const select = (id: string, focus = false) => {
    current = id;
    items.forEach((it, i) => {
      const on = it.id === id;
      buttons[i]!.setAttribute('aria-selected', String(on));
      buttons[i]!.tabIndex = on ? 0 : -1;
      panels[i]!.hidden = !on;
      if (on && focus) buttons[i]!.focus();
    });
  };
  buttons.forEach((b, i) => {
    b.addEventListener('click', () => select(items[i]!.id));
    b.addEventListener('keydown', (e) => {
      const n = items.length;
      const to =
        e.key === 'ArrowRight'
          ? (i + 1) % n
          : e.key === 'ArrowLeft'
            ? (i - 1 + n) % n
            : e.key === 'Home'
              ? 0
              : e.key === 'End'
                ? n - 1
                : -1;
      if (to < 0) return;
      e.preventDefault();
      select(items[to]!.id, true);
    });
  });
  select(current);
  return {
    list,
    panels,
    select,
    setLabel: (id, text) => {
      const b = buttons[items.findIndex((it) => it.id === id)];
      if (b) b.textContent = text;
    },
    selected: () => current,
  };
}
