// What every screen shares: the main region, the status region that screen readers
// announce, escaping, dates in Vietnam's time, and the site's HTML cleaned for display.
import { T, LOCALE } from './strings.js';
import { esc } from './escape.js';

export const main = document.getElementById('main');
const status = document.getElementById('status');

export { esc };

let quiet;

// A tap on the message puts it away at once (on a phone it covers part of the screen).
status.addEventListener('click', () => {
  clearTimeout(quiet);
  status.textContent = '';
});

export function say(message) {
  status.textContent = '';
  clearTimeout(quiet);
  // a fresh text node, so that a screen reader announces the same message again; gone
  // after 15 s so that it does not cover the screen (a report's code stays in its list)
  setTimeout(() => {
    status.textContent = message;
    quiet = setTimeout(() => (status.textContent = ''), 15000);
  }, 50);
}

export function when(iso) {
  if (!iso) return '';
  return new Date(iso).toLocaleString(LOCALE, {
    dateStyle: 'short',
    timeStyle: 'short',
    timeZone: 'Asia/Ho_Chi_Minh',
  });
}

export function show(html, title) {
  main.innerHTML = html;
  document.title = title ? `${title} — ${T.shortName}` : T.appName;
  const heading = main.querySelector('h1');
  if (heading && document.activeElement !== document.body) {
    heading.setAttribute('tabindex', '-1');
    heading.focus();
  }
}

// Published text from the site (Plone's safe HTML); scripts and handlers are dropped anyway.
export function clean(html) {
  const doc = new DOMParser().parseFromString(html, 'text/html');
  doc.querySelectorAll('script,style,iframe,object,embed,form').forEach((el) => el.remove());
  doc.querySelectorAll('*').forEach((el) => {
    for (const attribute of [...el.attributes]) {
      if (/^on/i.test(attribute.name) || /^\s*javascript:/i.test(attribute.value)) {
        el.removeAttribute(attribute.name);
      }
    }
  });
  doc.querySelectorAll('h1,h2').forEach((el) => {
    const h3 = doc.createElement('h3');
    h3.innerHTML = el.innerHTML;
    el.replaceWith(h3);
  });
  return doc.body.innerHTML;
}
