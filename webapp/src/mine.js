// The citizen's own reports: POST @feedback-mine {"code", "action", …} (the code in the body,
// never in an address) and what the app keeps of each on the phone (localStorage
// `nguon.reports`), so that a report, its steps and its answer read offline too.
import { SITE, getJSON } from './api.js';
import { load, save } from './store.js';
import { esc } from './ui.js';

// One of "view", "withdraw", "reopen" (`reason`), "rate" (`stars`, `comment`): the report as
// its author reads it. A refusal throws api.js's HttpError with the site's message; a
// network failure throws a TypeError.
export function mine(code, action = 'view', extra = {}) {
  return getJSON(new URL('@feedback-mine', SITE).href, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ ...extra, code, action }),
  });
}

export const reports = () => load('reports', []);

// Keep what the site answered with the report filed under `code`; returns the report kept.
export function remember(code, view) {
  const all = reports();
  const report = all.find((r) => r.code === code);
  if (!report) return null;
  const before = report.last || {};
  const answer = view.answer
    ? {
        url: view.answer.url,
        title: view.answer.title,
        // the answer's text, once read, is kept as long as the answer is the same one
        text: before.answer?.url === view.answer.url ? before.answer.text : undefined,
      }
    : null;
  report.last = {
    state: view.state,
    handler_title: view.handler_title,
    place_title: view.place_title,
    category_title: view.category_title,
    text: view.text,
    received: view.received,
    due: view.due,
    closed: view.closed,
    answer,
    rating: view.rating,
    history: view.history || [],
    can_withdraw: !!view.can_withdraw,
    can_reopen: !!view.can_reopen,
    can_rate: !!view.can_rate,
    merged_into: view.merged_into || null,
    at: new Date().toISOString(),
  };
  save('reports', all);
  return report;
}

// The answer's text (the answering bulletin, published: plone.restapi's GET of the item),
// kept with the report.
export async function readAnswer(code) {
  const report = reports().find((r) => r.code === code);
  const answer = report?.last?.answer;
  if (!answer || answer.text !== undefined) return report;
  const item = await getJSON(answer.url);
  const all = reports();
  const kept = all.find((r) => r.code === code);
  if (kept?.last?.answer?.url === answer.url) {
    kept.last.answer.text = item.text?.data || `<p>${esc(item.description)}</p>`;
    save('reports', all);
  }
  return kept;
}
