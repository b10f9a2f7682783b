// "Nhận cảnh báo": Web Push per the contract of docs/app.md and docs/webpush.md:
// GET <site>/@push-key, PushManager.subscribe, POST <unit>/@push-subscriptions.
import { SITE, getJSON, sendJSON, HttpError } from './api.js';
import { load, save } from './store.js';
import { T } from './strings.js';

export function supported() {
  return 'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window;
}

export function current() {
  return load('push');
}

function keyBytes(base64url) {
  const padded = base64url.replace(/-/g, '+').replace(/_/g, '/');
  const raw = atob(padded + '='.repeat((4 - (padded.length % 4)) % 4));
  return Uint8Array.from(raw, (c) => c.charCodeAt(0));
}

// Subscribe this browser to the unit's warnings; returns the message to show.
export async function subscribe(unit) {
  if (!supported()) return { ok: false, message: T.pushUnsupported };
  let key;
  try {
    key = (await getJSON(new URL('@push-key', SITE).href)).public_key;
  } catch {
    key = null;
  }
  if (!key) return { ok: false, message: T.pushUnavailable };
  const permission = await Notification.requestPermission();
  if (permission !== 'granted') return { ok: false, message: T.pushDenied };
  try {
    const registration = await navigator.serviceWorker.ready;
    let subscription = await registration.pushManager.getSubscription();
    if (!subscription) {
      // A push service out of reach can keep this waiting for minutes: give up after 30 s.
      subscription = await Promise.race([
        registration.pushManager.subscribe({
          userVisibleOnly: true,
          applicationServerKey: keyBytes(key),
        }),
        new Promise((resolve, reject) => setTimeout(() => reject(new Error('timeout')), 30000)),
      ]);
    }
    await sendJSON(`${unit.url}/@push-subscriptions`, 'POST', subscription.toJSON());
    const previous = current();
    if (previous && previous.unit !== unit.code) {
      // The phone came to another commune without choosing it (its ?xa= address): the
      // warnings follow it here, so the site forgets the earlier commune's subscription.
      await forget(previous);
    }
    save('push', { unit: unit.code, url: unit.url, endpoint: subscription.endpoint });
    return { ok: true, message: T.subscribed };
  } catch (error) {
    // The site's own words for a refusal: a bad subscription (400), too many from this
    // address (429), the unit's or the site's subscriptions full (503, try again later).
    const told = error instanceof HttpError && [400, 429, 503].includes(error.status);
    const detail = told ? ` ${error.message}` : '';
    return { ok: false, message: T.pushFailed + detail };
  }
}

async function forget(saved) {
  try {
    await sendJSON(`${saved.url}/@push-subscriptions`, 'DELETE', { endpoint: saved.endpoint });
  } catch {
    // the site forgets it when the push service answers 410
  }
}

export async function unsubscribe() {
  const saved = current();
  if (saved) await forget(saved);
  try {
    const registration = await navigator.serviceWorker.ready;
    const subscription = await registration.pushManager.getSubscription();
    if (subscription) await subscription.unsubscribe();
  } catch {
    // nothing to undo
  }
  save('push', null);
  return { ok: true, message: T.unsubscribed };
}
