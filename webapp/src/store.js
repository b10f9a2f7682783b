// What the app remembers on the phone (localStorage): the commune, large type, the push
// subscription and the reports filed (their follow-up codes).
const PREFIX = 'nguon.';

export function load(name, fallback = null) {
  try {
    const value = localStorage.getItem(PREFIX + name);
    return value === null ? fallback : JSON.parse(value);
  } catch {
    return fallback;
  }
}

export function save(name, value) {
  try {
    if (value === null || value === undefined) localStorage.removeItem(PREFIX + name);
    else localStorage.setItem(PREFIX + name, JSON.stringify(value));
  } catch {
    // storage full or refused: the app works without remembering
  }
}
