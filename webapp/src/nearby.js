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

export const TEXT = {
  button: 'Dùng vị trí của tôi',
  help: 'Tìm các xã, phường gần nơi bạn đang đứng.',
  asking: 'Đang xác định vị trí…',
  loading: 'Đang tìm xã, phường gần bạn…',
  found: 'Các xã, phường gần bạn nhất:',
  none: 'Chưa có xã, phường nào gần vị trí này trong hệ thống. Hãy tìm theo tên.',
  away: (km) => `cách khoảng ${km} km`,
  unsupported:
    'Điện thoại hoặc trình duyệt này không cho biết vị trí. Hãy tìm xã, phường theo tên.',
  denied:
    'Bạn chưa cho phép ứng dụng dùng vị trí. Hãy cho phép trong phần cài đặt của trình duyệt, hoặc tìm xã, phường theo tên.',
  unavailable:
    'Chưa xác định được vị trí. Hãy bật định vị (GPS) rồi thử lại, hoặc tìm xã, phường theo tên.',
  timeout: 'Xác định vị trí lâu quá. Hãy thử lại ở nơi thoáng, hoặc tìm xã, phường theo tên.',
  failed: 'Không tải được danh sách xã, phường. Kiểm tra kết nối mạng rồi thử lại.',
};

// Coarse and quick: the network's or a recent fix is enough to find a commune.
const ASK = { enableHighAccuracy: false, timeout: 20000, maximumAge: 600000 };
const LIMIT = 5;

const esc = (value) =>
  String(value).replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c],
  );

const km = (value) =>
  value.toLocaleString('vi-VN', { maximumFractionDigits: value < 10 ? 1 : 0 });

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
    { 0: TEXT.unsupported, 1: TEXT.denied, 2: TEXT.unavailable, 3: TEXT.timeout }[
      error?.code
    ] || TEXT.unavailable
  );
}

export function nearby(container, choose) {
  container.innerHTML = `<div class="nearby">
      <button type="button" class="secondary" id="near-me"
              aria-describedby="near-help">${TEXT.button}</button>
      <p class="help" id="near-help">${TEXT.help}</p>
      <div id="near-found" aria-live="polite"></div>
    </div>`;
  const button = container.querySelector('#near-me');
  const found = container.querySelector('#near-found');
  const say = (text) => {
    found.innerHTML = `<p>${esc(text)}</p>`;
  };
  button.addEventListener('click', async () => {
    button.disabled = true;
    say(TEXT.asking);
    let here;
    try {
      here = await position();
    } catch (error) {
      say(refusal(error));
      button.disabled = false;
      return;
    }
    say(TEXT.loading);
    try {
      const data = await nearUnits(here.coords.latitude, here.coords.longitude);
      found.innerHTML = data.items.length
        ? `<p>${TEXT.found}</p><ul class="units">${data.items
            .map(
              (item, i) =>
                `<li><button type="button" class="unit" data-i="${i}">${esc(item.title)}
                 <span class="parent">${esc(item.parent_title || '')} · ${esc(
                   TEXT.away(km(item.distance_km)),
                 )}</span></button></li>`,
            )
            .join('')}</ul>`
        : `<p>${TEXT.none}</p>`;
      found.querySelectorAll('button.unit').forEach((unit) =>
        unit.addEventListener('click', () => choose(data.items[unit.dataset.i])),
      );
    } catch {
      say(TEXT.failed);
    } finally {
      button.disabled = false;
    }
  });
}
