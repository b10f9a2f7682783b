// "Dùng vị trí của tôi": the communes nearest to the phone, to choose one (docs/app.md).
//
// nearby(container, choose) puts a button in `container`; a tap asks the phone where it is
// (navigator.geolocation, once, coarse: a commune is kilometres wide), asks the site for the
// nearest communes (GET <site>/@find-unit?lat=&lon=, docs/units.md) and lists them as
// buttons, as the search by name lists its results; a tap on one calls choose(item) with the
// same item as the search by name gives. When the phone says no, cannot tell or takes too
// long, a sentence says what to do instead. The position leaves the phone rounded to 0.001°
// (about 100 m: enough to rank communes, too coarse to name a house in the site's logs) and
// is not kept anywhere.

import { SITE, getJSON } from './api.js';
import { esc } from './escape.js';
import { T, LOCALE } from './strings.js';

// Coarse and quick: the network's or a recent fix is enough to find a commune.
const ASK = { enableHighAccuracy: false, timeout: 20000, maximumAge: 600000 };
const LIMIT = 5;

const km = (value) =>
  value.toLocaleString(LOCALE, { maximumFractionDigits: value < 10 ? 1 : 0 });

export function nearUnits(lat, lon, limit = LIMIT) {
  const url = new URL('@find-unit', SITE);
  url.searchParams.set('lat', lat.toFixed(3));
  url.searchParams.set('lon', lon.toFixed(3));
  url.searchParams.set('limit', String(limit));
  return getJSON(url.href);
}

function position() {
  return new Promise((resolve, reject) => {
    if (!navigator.geolocation) {
      reject(Object.assign(new Error('unsupported'), { code: 0 }));
      return;
    }
    navigator.geolocation.getCurrentPosition(resolve, reject, ASK);
  });
}

function refusal(error) {
  // GeolocationPositionError: 1 denied, 2 unavailable, 3 timeout; 0 ours: no geolocation.
  return (
    { 0: T.near.unsupported, 1: T.near.denied, 2: T.near.unavailable, 3: T.near.timeout }[
      error?.code
    ] || T.near.unavailable
  );
}

export function nearby(container, choose) {
  container.innerHTML = `<div class="nearby">
      <button type="button" class="secondary" id="near-me"
              aria-describedby="near-help">${T.near.button}</button>
      <p class="help" id="near-help">${T.near.help}</p>
      <div id="near-found" aria-live="polite"></div>
    </div>`;
  const button = container.querySelector('#near-me');
  const found = container.querySelector('#near-found');
  const say = (text) => {
    found.innerHTML = `<p>${esc(text)}</p>`;
  };
  button.addEventListener('click', async () => {
    button.disabled = true;
    say(T.near.asking);
    let here;
    try {
      here = await position();
    } catch (error) {
      say(refusal(error));
      button.disabled = false;
      return;
    }
    say(T.near.loading);
    try {
      const data = await nearUnits(here.coords.latitude, here.coords.longitude);
      found.innerHTML = data.items.length
        ? `<p>${T.near.found}</p><ul class="units">${data.items
            .map(
              (item, i) =>
                `<li><button type="button" class="unit" data-i="${i}">${esc(item.title)}
                 <span class="parent">${esc(item.parent_title || '')} · ${esc(
                   T.near.away(km(item.distance_km)),
                 )}</span></button></li>`,
            )
            .join('')}</ul>`
        : `<p>${T.near.none}</p>`;
      found.querySelectorAll('button.unit').forEach((unit) =>
        unit.addEventListener('click', () => choose(data.items[unit.dataset.i])),
      );
    } catch {
      say(T.near.failed);
    } finally {
      button.disabled = false;
    }
  });
}
