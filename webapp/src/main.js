// Nguồn, the citizen app: one page, a view per address after '#'. docs/app.md.
import './style.css';
import { T, LANG, translate } from './strings.js';
import { SITE, findUnits, unitFeed, search, getJSON } from './api.js';
import { load, save } from './store.js';
import * as push from './push.js';
import * as outbox from './outbox.js';
import { main, esc, say, when, show, clean } from './ui.js';
import * as own from './mine.js';
import { nearby } from './nearby.js';

let unit = load('unit');
let feed = null; // the last feed read: {items, when}

// The severity colours of the boards' takeover and the alert pages (nguon.alerts.browser.BANDS).
const BANDS = ['Extreme', 'Severe', 'Moderate', 'Minor', 'Unknown'];

// -- the commune ---------------------------------------------------------------------------

function chooseView() {
  show(
    `<h1>${T.chooseTitle}</h1>
     <form id="find" role="search">
       <label for="find-q">${T.chooseLabel}</label>
       <p class="help" id="find-help">${T.chooseHelp}</p>
       <div class="row">
         <input id="find-q" name="q" type="search" autocomplete="off" required
                aria-describedby="find-help" maxlength="100">
         <button type="submit">${T.chooseButton}</button>
       </div>
     </form>
     <div id="near"></div>
     <div id="found" aria-live="polite"></div>`,
    T.chooseTitle,
  );
  const form = main.querySelector('#find');
  const input = form.querySelector('input');
  nearby(main.querySelector('#near'), choose);
  if (!unit) input.focus();
  let timer;
  const find = async () => {
    const q = input.value.trim();
    const found = main.querySelector('#found');
    if (!q) return;
    try {
      const data = await findUnits(q);
      if (input.value.trim() !== q) return;
      found.innerHTML = data.items.length
        ? `<p>${T.chooseResults(data.items_total)}</p><ul class="units">${data.items
            .map(
              (item, i) =>
                `<li><button type="button" class="unit" data-i="${i}">${esc(item.title)}
                 <span class="parent">${esc(item.parent_title || '')}</span></button></li>`,
            )
            .join('')}</ul>`
        : `<p>${T.chooseNone}</p>`;
      found.querySelectorAll('button.unit').forEach((button) =>
        button.addEventListener('click', () => choose(data.items[button.dataset.i])),
      );
    } catch {
      found.innerHTML = `<p>${T.loadFailed}</p>`;
    }
  };
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    find();
  });
  input.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(find, 300);
  });
}

async function choose(item) {
  const previous = push.current();
  unit = {
    code: item.code,
    title: item.title,
    parent: item.parent_title || '',
    url: item['@id'],
  };
  save('unit', unit);
  feed = null;
  if (previous && previous.unit !== unit.code) {
    await push.unsubscribe(); // warnings follow the commune chosen: tap again to subscribe
  }
  location.hash = '#/';
  route();
}

// -- the commune's items ---------------------------------------------------------------------

function inForce(item, now) {
  const n = item._nguon || {};
  const expires = n.expires ? new Date(n.expires) : null;
  if (expires && expires <= now) return false;
  if (n.type === 'Alert') return (n.cap?.msg_type || 'Alert') !== 'Cancel';
  return n.priority === 'emergency';
}

function severityOf(item) {
  const severity = item._nguon?.cap?.severity;
  return BANDS.includes(severity) ? severity : 'Extreme'; // an emergency item without CAP
}

function marks(item) {
  const n = item._nguon || {};
  const out = [];
  if (n.priority === 'emergency') out.push(`<span class="mark emergency">${T.emergency}</span>`);
  else if (n.priority === 'priority') out.push(`<span class="mark priority">${T.priority}</span>`);
  if (n.essential && n.priority !== 'emergency') out.push(`<span class="mark essential">${T.essential}</span>`);
  if (audioOf(item)) out.push(`<span class="mark radio">${T.radio}</span>`);
  return out.join(' ');
}

function audioOf(item) {
  return (item.attachments || []).find((a) => (a.mime_type || '').startsWith('audio/'));
}

function itemLink(item) {
  return `#/tin/${encodeURIComponent(item._nguon?.uid || item.id)}`;
}

function warningCard(item) {
  const severity = severityOf(item);
  const cap = item._nguon?.cap;
  return `<li class="warning band-${severity}">
      <a href="${itemLink(item)}"><span class="severity">${esc(T.severity[severity] || '')}</span>
      <span class="title">${esc(item.title)}</span></a>
      ${cap?.instruction ? `<p>${esc(cap.instruction)}</p>` : item.summary ? `<p>${esc(item.summary)}</p>` : ''}
      <p class="meta">${esc(item._nguon?.unit?.title || '')}${item._nguon?.expires ? ` · ${T.expires} ${esc(when(item._nguon.expires))}` : ''}</p>
    </li>`;
}

function itemCard(item) {
  return `<li class="item">
      <a href="${itemLink(item)}">${esc(item.title)}</a> ${marks(item)}
      ${item.summary ? `<p>${esc(item.summary)}</p>` : ''}
      <p class="meta">${esc(item._nguon?.unit?.title || '')} · <time datetime="${esc(item.date_published)}">${esc(when(item.date_published))}</time></p>
    </li>`;
}

async function readFeed() {
  const data = await unitFeed(unit);
  const items = [...(data.items || [])].sort((a, b) =>
    (b.date_published || '').localeCompare(a.date_published || ''),
  );
  feed = { items, when: data._nguon?.updated };
  return feed;
}

function pushBox() {
  const subscribed = push.current()?.unit === unit.code;
  return `<div class="push">
      <button type="button" id="push" aria-pressed="${subscribed}">${subscribed ? T.unsubscribe : T.subscribe}</button>
    </div>`;
}

async function homeView() {
  if (!unit) return chooseView();
  show(
    `<h1>${esc(unit.title)} <span class="parent">${esc(unit.parent)}</span></h1>
     <p class="row"><a href="#/chon">${T.changePlace}</a> <a href="#/khao-sat">${T.surveysLink}</a></p>
     ${pushBox()}
     <div id="items"><p>${T.loading}</p></div>`,
    unit.title,
  );
  main.querySelector('#push').addEventListener('click', togglePush);
  const box = main.querySelector('#items');
  try {
    await readFeed();
  } catch {
    box.innerHTML = `<p>${T.loadFailed}</p><button type="button" id="retry">${T.retry}</button>`;
    box.querySelector('#retry').addEventListener('click', homeView);
    return;
  }
  const now = new Date();
  const warnings = feed.items
    .filter((item) => inForce(item, now))
    .sort((a, b) => BANDS.indexOf(severityOf(a)) - BANDS.indexOf(severityOf(b)));
  const rest = feed.items.filter((item) => !warnings.includes(item));
  box.innerHTML = `
    ${navigator.onLine ? '' : `<p class="offline">${T.offline}</p>`}
    <section class="warnings" aria-labelledby="h-warnings">
      <h2 id="h-warnings">${T.warnings}</h2>
      ${warnings.length ? `<ul>${warnings.map(warningCard).join('')}</ul>` : `<p>${T.noWarnings}</p>`}
    </section>
    <section class="latest" aria-labelledby="h-latest">
      <h2 id="h-latest">${T.latest}</h2>
      ${rest.length ? `<ul>${rest.map(itemCard).join('')}</ul>` : `<p>${T.noItems}</p>`}
    </section>`;
  performance.mark('nguon-items-shown'); // read by tests/bench/bench_app.py
}

async function togglePush(event) {
  const button = event.currentTarget;
  button.disabled = true;
  const result =
    push.current()?.unit === unit.code ? await push.unsubscribe() : await push.subscribe(unit);
  say(result.message);
  const subscribed = push.current()?.unit === unit.code;
  button.textContent = subscribed ? T.unsubscribe : T.subscribe;
  button.setAttribute('aria-pressed', String(subscribed));
  button.disabled = false;
}

async function itemView(uid) {
  if (!unit) return chooseView();
  if (!feed) {
    show(`<p>${T.loading}</p>`);
    try {
      await readFeed();
    } catch {
      show(`<h1>${T.loadFailed}</h1><p><a href="#/">${T.back}</a></p>`);
      return;
    }
  }
  const item = feed.items.find((i) => (i._nguon?.uid || i.id) === uid);
  if (!item) return homeView();
  const n = item._nguon || {};
  const cap = n.cap;
  const audio = audioOf(item);
  const others = (item.attachments || []).filter((a) => a !== audio);
  const severity = inForce(item, new Date()) ? severityOf(item) : null;
  show(
    `<article>
      <p><a href="#/">${T.back}</a></p>
      ${severity ? `<p class="band band-${severity}">${esc(T.severity[severity])}</p>` : ''}
      <h1>${esc(item.title)}</h1>
      <p>${marks(item)}</p>
      <p class="meta">${T.from}: ${esc(n.unit?.title || '')} · ${T.published}: ${esc(when(item.date_published))}
        ${n.expires ? ` · ${T.expires}: ${esc(when(n.expires))}` : ''}</p>
      ${cap?.instruction ? `<div class="instruction band-${severity || 'Unknown'}"><h2>${T.instruction}</h2><p>${esc(cap.instruction)}</p></div>` : ''}
      ${item.summary ? `<p class="summary">${esc(item.summary)}</p>` : ''}
      ${audio ? `<h2>${T.listen}</h2><audio controls preload="none" src="${esc(audio.url)}" aria-label="${T.listen}: ${esc(item.title)}"></audio>` : ''}
      <div class="body">${item.content_html ? clean(item.content_html) : `<p>${esc(item.content_text || '')}</p>`}</div>
      ${cap?.area?.description ? `<p><strong>${T.area}:</strong> ${esc(cap.area.description)}</p>` : ''}
      ${others.map((a) => `<p><a href="${esc(a.url)}">${T.open}: ${esc(a.title || '')}</a></p>`).join('')}
      <div class="row">
        <button type="button" id="share">${T.share}</button>
        <a class="button" href="${esc(item.url)}">${T.readOnSite}</a>
      </div>
      <div id="share-fallback"></div>
    </article>`,
    item.title,
  );
  main.querySelector('#share').addEventListener('click', () => share(item));
}

async function share(item) {
  const data = { title: item.title, text: item.summary || item.title, url: item.url };
  if (navigator.share) {
    try {
      await navigator.share(data);
      return;
    } catch (error) {
      if (error.name === 'AbortError') return;
    }
  }
  try {
    await navigator.clipboard.writeText(item.url);
    say(T.shared);
  } catch {
    const box = main.querySelector('#share-fallback');
    box.innerHTML = `<label for="share-url">${T.sharePrompt}</label>
      <input id="share-url" readonly value="${esc(item.url)}">`;
    box.querySelector('input').select();
  }
}

// -- search ----------------------------------------------------------------------------------

// The search's snippets are escaped text with <mark>: only those two are kept.
function snippet(html) {
  const doc = new DOMParser().parseFromString(`<p>${html}</p>`, 'text/html');
  return [...doc.body.firstChild.childNodes]
    .map((node) =>
      node.nodeName === 'MARK' ? `<mark>${esc(node.textContent)}</mark>` : esc(node.textContent),
    )
    .join('');
}

function searchView() {
  show(
    `<h1>${T.searchTitle}</h1>
     <form id="search" role="search">
       <label for="search-q">${T.searchLabel}</label>
       <div class="row">
         <input id="search-q" name="q" type="search" required maxlength="200">
         <button type="submit">${T.searchButton}</button>
       </div>
       ${unit ? `<p><input type="checkbox" id="search-mine"> <label for="search-mine">${T.searchMine}</label></p>` : ''}
     </form>
     <div id="hits" aria-live="polite"></div>`,
    T.searchTitle,
  );
  main.querySelector('#search').addEventListener('submit', async (event) => {
    event.preventDefault();
    const q = main.querySelector('#search-q').value.trim();
    const mine = main.querySelector('#search-mine')?.checked;
    const hits = main.querySelector('#hits');
    hits.innerHTML = `<p>${T.loading}</p>`;
    try {
      const data = await search(q, mine ? unit.code : null);
      hits.innerHTML = data.items.length
        ? `<p class="count">${T.searchCount(data.items_total)}</p><ol class="hits">${data.items
            .map(
              (hit) => `<li><a class="hit" href="${esc(hit['@id'])}">${esc(hit.title)}</a>
                ${(hit.snippets || []).length ? `<p class="snippet">${snippet(hit.snippets.join(' … '))}</p>` : hit.description ? `<p>${esc(hit.description)}</p>` : ''}
                <p class="meta">${esc(when(hit.effective))}${hit.file ? ` · <a href="${esc(hit.file)}">${T.document}</a>` : ''}</p></li>`,
            )
            .join('')}</ol>`
        : `<p>${T.searchNone}</p>`;
    } catch {
      hits.innerHTML = `<p>${navigator.onLine ? T.loadFailed : T.searchOffline}</p>`;
    }
  });
}

// -- reports ---------------------------------------------------------------------------------

function dataUrl(blob) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result);
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(blob);
  });
}

// A phone's photo is made at most 1600 px on its longer side (JPEG) before it waits or
// travels: a tenth of the bytes on a 3G link. The site cleans it again (no EXIF, no GPS).
const LONGEST = 1600;

async function readPhoto(file) {
  try {
    const bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
    const scale = Math.min(1, LONGEST / Math.max(bitmap.width, bitmap.height));
    const canvas = document.createElement('canvas');
    canvas.width = Math.round(bitmap.width * scale);
    canvas.height = Math.round(bitmap.height * scale);
    canvas.getContext('2d').drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    const blob = await new Promise((resolve) => canvas.toBlob(resolve, 'image/jpeg', 0.8));
    if (blob && blob.size < file.size) {
      return { data: await dataUrl(blob), filename: file.name.replace(/\.[^.]*$/, '') + '.jpg' };
    }
  } catch {
    // a format the browser cannot draw: sent as it is, the site says if it refuses it
  }
  return { data: await dataUrl(file), filename: file.name };
}

function reported(entry, outcome) {
  const mine = load('reports', []);
  if (outcome.ok) {
    mine.unshift({
      id: outcome.answer.id,
      code: outcome.answer.code,
      follow_url: outcome.answer.follow_url,
      text: entry.report.body.text.slice(0, 140),
      when: new Date().toISOString(),
    });
    save('reports', mine.slice(0, 50));
    say(`${T.reportSent(outcome.answer.id)} ${T.reportCode(outcome.answer.code)}`);
  } else {
    say(`${T.reportRefused} ${outcome.message}`);
  }
  if (location.hash.startsWith('#/phan-anh')) reportList();
}

async function reportList() {
  const box = main.querySelector('#mine');
  if (!box) return;
  const waiting = await outbox.all().catch(() => []);
  const mine = own.reports();
  box.innerHTML = `<h2>${T.myReports}</h2><ul>
    ${waiting.map((e) => `<li class="waiting">${T.waiting}: ${esc(e.report.body.text.slice(0, 140))}</li>`).join('')}
    ${mine
      .map(
        (r, i) => `<li>${T.reportSent(esc(r.id))} ${esc(r.text)}<br>${T.reportCode(esc(r.code))}
        ${r.follow_url ? `<br><a href="${esc(r.follow_url)}">${T.readOnSite}</a>` : ''}
        ${r.last ? reportState(r.last) : ''}
        <br><button type="button" class="status-of" data-i="${i}">${T.reportStatus}</button>
        <a class="button secondary" href="#/phan-anh/${encodeURIComponent(r.id)}">${T.reportOpen}</a></li>`,
      )
      .join('')}</ul>`;
  box.querySelectorAll('button.status-of').forEach((button) =>
    button.addEventListener('click', () => followReport(Number(button.dataset.i))),
  );
}

// The report as its author reads it (POST @feedback-mine with the code in the body, mine.js),
// kept on the phone so that it reads offline too; its page (#/phan-anh/<id>) has the rest.
function reportState(last) {
  const state = T.reportStates[last.state] || last.state;
  return `<p class="report-state"><strong>${T.reportState}:</strong> ${esc(state)}
    ${last.handler_title ? `<br>${T.reportHandler}: ${esc(last.handler_title)}` : ''}
    ${last.due ? `<br>${T.reportDue}: ${esc(when(last.due))}` : ''}
    ${last.answer ? `<br><a href="${esc(last.answer.url)}">${T.reportAnswer}: ${esc(last.answer.title)}</a>` : ''}
    <br><span class="meta">${T.reportCheckedAt(esc(when(last.at)))}</span></p>`;
}

async function followReport(index) {
  const report = own.reports()[index];
  if (!report) return;
  try {
    const view = await own.mine(report.code, 'view');
    own.remember(report.code, view);
    say(`${T.reportState}: ${T.reportStates[view.state] || view.state}`);
  } catch (error) {
    say(error.status ? `${T.reportStatusRefused} ${error.message}` : T.reportStatusFailed);
  }
  reportList();
}

async function reportView() {
  if (!unit) {
    show(`<h1>${T.reportTitle}</h1><p>${T.noPlace}</p><p><a href="#/chon">${T.chooseTitle}</a></p>`, T.reportTitle);
    return;
  }
  show(
    `<h1>${T.reportTitle}</h1>
     <p>${T.reportHelp}</p>
     <form id="report">
       <p><label for="r-category">${T.reportCategory}</label>
          <select id="r-category" required><option value="">${T.loading}</option></select></p>
       <p><label for="r-text">${T.reportText}</label>
          <textarea id="r-text" required minlength="10" maxlength="5000" rows="5"></textarea></p>
       <p><label for="r-address">${T.reportAddress}</label>
          <input id="r-address" maxlength="300"></p>
       <p><label for="r-photos">${T.reportPhotos}</label>
          <input id="r-photos" type="file" accept="image/jpeg,image/png,image/webp" multiple></p>
       <fieldset><legend>${T.reportContactKind}</legend>
         <p><input type="radio" name="kind" id="r-email" value="email" checked> <label for="r-email">${T.reportEmail}</label>
            <input type="radio" name="kind" id="r-phone" value="phone"> <label for="r-phone">${T.reportPhone}</label></p>
         <p><label for="r-contact">${T.reportContact}</label> <input id="r-contact" maxlength="200"></p>
       </fieldset>
       <button type="submit">${T.reportSend}</button>
     </form>
     <section id="mine" aria-live="polite"></section>`,
    T.reportTitle,
  );
  const select = main.querySelector('#r-category');
  getJSON(`${unit.url}/@feedback-categories`)
    .then((data) => {
      select.innerHTML = data.items
        .map((c) => `<option value="${esc(c.code)}">${esc(c.title)}</option>`)
        .join('');
    })
    .catch(() => {
      select.innerHTML = `<option value="">${T.reportCategoriesOffline}</option>`;
    });
  reportList();
  main.querySelector('#report').addEventListener('submit', async (event) => {
    event.preventDefault();
    const form = event.currentTarget;
    const text = form.querySelector('#r-text').value.trim();
    if (text.length < 10) return say(T.reportTooShort);
    const files = [...form.querySelector('#r-photos').files].slice(0, 5);
    const contact = form.querySelector('#r-contact').value.trim();
    const body = {
      category: select.value,
      place: unit.code,
      text,
      address: form.querySelector('#r-address').value.trim() || undefined,
      photos: await Promise.all(files.map(readPhoto)),
      contact: contact
        ? { kind: form.querySelector('input[name=kind]:checked').value, value: contact }
        : undefined,
    };
    await outbox.add({ report: { unitUrl: unit.url, body }, made: new Date().toISOString() });
    form.reset();
    if (navigator.onLine) {
      say(T.reportSending);
      await outbox.flush(reported);
    }
    const left = await outbox.all();
    if (left.length) say(T.reportQueued);
    reportList();
  });
}

// -- the frame -------------------------------------------------------------------------------

async function lazy(load) {
  try {
    return await load();
  } catch {
    show(`<h1>${T.loadFailed}</h1><p><a href="#/">${T.back}</a></p>`);
    return null;
  }
}

function route() {
  const hash = location.hash || '#/';
  document.querySelectorAll('nav a').forEach((a) => {
    const href = a.getAttribute('href');
    const here =
      hash === href ||
      (href === '#/' && (hash.startsWith('#/tin/') || hash.startsWith('#/khao-sat'))) ||
      (href === '#/phan-anh' && hash.startsWith('#/phan-anh/'));
    if (here) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  });
  if (hash.startsWith('#/tin/')) return itemView(decodeURIComponent(hash.slice(6)));
  if (hash === '#/tra-cuu') return searchView();
  if (hash === '#/phan-anh') return reportView();
  // Loaded when first opened (not part of the first visit's script), then precached.
  if (hash.startsWith('#/phan-anh/')) {
    const id = decodeURIComponent(hash.slice(11));
    return lazy(() => import('./report-page.js')).then((m) => m && m.reportPage(id));
  }
  if (hash === '#/khao-sat') {
    return lazy(() => import('./surveys.js')).then((m) => m && m.surveyList(unit));
  }
  if (hash.startsWith('#/khao-sat/')) {
    const uid = decodeURIComponent(hash.slice(11));
    return lazy(() => import('./surveys.js')).then((m) => m && m.surveyPage(unit, uid));
  }
  if (hash === '#/chon') return chooseView();
  return homeView();
}

function largeType(on) {
  document.documentElement.classList.toggle('large', on);
  document.getElementById('large').setAttribute('aria-pressed', String(on));
  save('large', on);
}

document.getElementById('large').addEventListener('click', () =>
  largeType(!document.documentElement.classList.contains('large')),
);
largeType(!!load('large'));

// The page's own words (index.html is Vietnamese) in the phone's language.
function shell() {
  if (LANG === 'vi') return;
  document.documentElement.lang = LANG;
  document.querySelector('.skip').textContent = T.skip;
  document.getElementById('large').textContent = T.largeType;
  const nav = document.querySelector('nav');
  nav.setAttribute('aria-label', T.mainNav);
  const names = { '#/': T.navNews, '#/tra-cuu': T.navSearch, '#/phan-anh': T.navReport, '#/chon': T.navPlace };
  nav.querySelectorAll('a').forEach((a) => {
    const name = names[a.getAttribute('href')];
    if (name) a.textContent = name;
  });
}

translate()
  .catch(() => {}) // the Vietnamese texts then
  .then(() => {
    shell();
    window.addEventListener('hashchange', route);
    window.addEventListener('online', () => outbox.flush(reported));
    route();
    outbox.flush(reported).catch(() => {});
  });

if ('serviceWorker' in navigator) {
  navigator.serviceWorker.register('./sw.js', { scope: './' }).catch(() => {});
}
window.nguonSite = SITE;
