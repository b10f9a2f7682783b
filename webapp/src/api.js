// The site's public JSON interfaces the app reads (docs/app.md lists them).

// The site root: the app lives at <site>/ung-dung/.
export const SITE = new URL('../', location.href.split('#')[0]).href;

export class HttpError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

export async function getJSON(url, options = {}) {
  const response = await fetch(url, {
    ...options,
    headers: { Accept: 'application/json', ...(options.headers || {}) },
  });
  if (!response.ok) {
    let message = response.statusText;
    try {
      const body = await response.json();
      message = body?.error?.message || body?.message || message;
    } catch {
      // not JSON
    }
    throw new HttpError(response.status, message);
  }
  if (response.status === 204) return null;
  return response.json();
}

export function sendJSON(url, method, body) {
  return getJSON(url, {
    method,
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
}

export function findUnits(q) {
  const url = new URL('@find-unit', SITE);
  url.searchParams.set('q', q);
  url.searchParams.set('limit', '20');
  return getJSON(url.href);
}

export async function unitFeed(unit) {
  // The commune's address of the app (?xa=): the feed came in the page (index.html's head).
  const first = window.nguonFirst;
  window.nguonFirst = null;
  if (first && first.feed && first.unit?.url === unit.url) {
    keep(unit, first.feed);
    return first.feed;
  }
  const early = window.nguonFeed; // asked for by the page's head (index.html)
  window.nguonFeed = null;
  if (early) {
    try {
      const response = await early;
      if (response.ok && response.url.startsWith(`${unit.url}/feed.json`)) return response.json();
    } catch {
      // asked again below
    }
  }
  return getJSON(`${unit.url}/feed.json?size=30`);
}

// The feed that came in the page is kept where the service worker keeps the feeds it reads
// (sw.js, 'nguon-feeds'), so that the commune reads offline after this one visit too.
function keep(unit, data) {
  if (!('caches' in window)) return;
  caches
    .open('nguon-feeds')
    .then((cache) =>
      cache.put(
        `${unit.url}/feed.json?size=30`,
        new Response(JSON.stringify(data), {
          headers: { 'Content-Type': 'application/feed+json; charset=utf-8' },
        }),
      ),
    )
    .catch(() => {});
}

export function search(q, unitCode) {
  const url = new URL('@faceted-search', SITE);
  url.searchParams.set('q', q);
  url.searchParams.set('facets', '0');
  url.searchParams.set('b_size', '20');
  if (unitCode) url.searchParams.set('unit', unitCode);
  return getJSON(url.href);
}
