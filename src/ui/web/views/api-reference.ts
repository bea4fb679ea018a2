import { api } from '../api.js';
import { alertRegion, showError } from '../alerts.js';
import { h, replace, uid } from '../dom.js';
import type { View } from '../router.js';
import { constraints, expandable, typeLabel, type OpenApiDoc, type Operation } from './api-schema.js';

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

/** The API reference (#/api): every operation of /openapi.json with its parameters, body and responses. */
export const apiReferenceView: View = (root) => {
  const alerts = alertRegion();
  const filter = h('input', { id: uid('filter'), type: 'search', placeholder: 'path, summary or operation id' });
  const slot = h('div', { class: 'api-ops', 'aria-busy': 'true' }, h('p', { class: 'loading' }, 'Loading the API…'));
  root.append(
    h(
      'div',
      { class: 'page-head' },
      h('h1', { tabindex: '-1' }, 'API reference'),
      h(
        'p',
        { class: 'lead' },
        'Generated from the schemas the API validates with. The document itself: ',
        h('a', { href: '/openapi.json' }, '/openapi.json'),
        ' (OpenAPI 3.1; feed it to a client generator).',
      ),
    ),
    alerts,
    h(
      'form',
      { class: 'card filters api-filter', role: 'search', onsubmit: (e: Event) => e.preventDefault() },
      h('div', { class: 'field' }, h('label', { for: filter.id }, 'Filter operations'), filter),
    ),
    slot,
  );

  let stopped = false;
  api
    .openApi()
    .then((doc) => {
      if (stopped) return;
      const ops = operations(doc);
      const cards = ops.map(({ method, path, op }) => ({
        text: `${method} ${path} ${op.summary ?? ''} ${op.operationId}`.toLowerCase(),
        el: operationCard(method, path, op, doc),
      }));
      replace(
        slot,
        h('p', { class: 'api-info' }, `${doc.info.title} ${doc.info.version} · ${ops.length} operations`),
        doc.info.description ? h('p', { class: 'hint' }, doc.info.description) : null,
        cards.map((c) => c.el),
      );
      slot.removeAttribute('aria-busy');
      filter.addEventListener('input', () => {
        const q = filter.value.trim().toLowerCase();
        for (const c of cards) c.el.hidden = q !== '' && !c.text.includes(q);
      });
    })
    .catch((err: unknown) => {
      slot.removeAttribute('aria-busy');
      replace(slot);
      showError(alerts, err, 'Could not load /openapi.json');
    });
  return () => {
    stopped = true;
  };
};

function operations(doc: OpenApiDoc): { method: string; path: string; op: Operation }[] {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    METHODS.filter((m) => item[m]).map((m) => ({ method: m.toUpperCase(), path, op: item[m]! })),
  );
}

function operationCard(method: string, path: string, op: Operation, doc: OpenApiDoc): HTMLElement {
  const titleId = uid('op');
  const params = op.parameters ?? [];
  const body = op.requestBody?.content['application/json']?.schema;
  return h(
    'section',
    { class: 'card api-op', id: `op-${op.operationId}`, 'aria-labelledby': titleId, 'data-operation': op.operationId },
    h(
      'h2',
      { id: titleId, class: 'api-op-title' },
      h('span', { class: `method method-${method.toLowerCase()}` }, method),
      ' ',
      h('code', {}, path),
    ),
    h('p', { class: 'api-op-summary' }, op.summary ?? ''),
    h(
      'p',
      { class: 'hint' },
      h('code', {}, op.operationId),
      ' · ',
      op['x-scope'] ? `scope: ${op['x-scope']} (when API keys are on)` : 'public: no key needed',
    ),
    // The document ends each description with the scope note, shown above already.
    (op.description ?? '')
      .split('\n\n')
      .filter((p) => p && !/^(Scope|Public):/.test(p))
      .map((p) => h('p', { class: 'api-op-desc' }, p)),
    params.length
      ? h(
          'div',
          { class: 'table-wrap' },
          h(
            'table',
            { class: 'data-table api-params' },
            h('caption', {}, 'Parameters'),
            h(
              'thead',
              {},
              h(
                'tr',
                {},
                ['Name', 'In', 'Type', 'Required', 'Notes'].map((c) => h('th', { scope: 'col' }, c)),
              ),
            ),
            h(
              'tbody',
              {},
              params.map((p) =>
                h(
                  'tr',
                  {},
                  h('td', {}, h('code', {}, p.name)),
                  h('td', {}, p.in),
                  h('td', {}, typeLabel(p.schema)),
                  h('td', {}, p.required ? 'yes' : 'no'),
                  h('td', {}, [p.description, ...constraints(p.schema)].filter(Boolean).join(' · ')),
                ),
              ),
            ),
          ),
        )
      : null,
    body
      ? h('div', { class: 'api-body' }, h('h3', {}, 'Request body (application/json)'), expandable(body, doc))
      : null,
    h(
      'div',
      { class: 'api-responses' },
      h('h3', {}, 'Responses'),
      h(
        'ul',
        {},
        Object.entries(op.responses).map(([status, r]) => {
          const schema = r.content?.['application/json']?.schema;
          return h(
            'li',
            { 'data-status': status },
            h('strong', { class: 'api-status' }, status),
            ' ',
            r.description,
            schema ? h('span', { class: 'prop-type' }, ` → ${typeLabel(schema)}`) : null,
            schema && status.startsWith('2') ? expandable(schema, doc) : null,
          );
        }),
      ),
    ),
  );
}
