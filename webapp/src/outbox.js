// Reports written without a connection wait in IndexedDB (the outbox) and are sent when the
// network returns (the `online` event, and every start of the app). The proof of work and
// the sending live in report-send.js, loaded only when there is something to send.
const DB = 'nguon-app';
const STORE = 'outbox';

function open() {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB, 1);
    request.onupgradeneeded = () =>
      request.result.createObjectStore(STORE, { keyPath: 'id', autoIncrement: true });
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

async function run(mode, action) {
  const db = await open();
  return new Promise((resolve, reject) => {
    const tx = db.transaction(STORE, mode);
    const request = action(tx.objectStore(STORE));
    tx.oncomplete = () => resolve(request?.result);
    tx.onerror = () => reject(tx.error);
  });
}

export const add = (report) => run('readwrite', (store) => store.add(report));
export const all = () => run('readonly', (store) => store.getAll());
export const remove = (id) => run('readwrite', (store) => store.delete(id));

let flushing = null;

// Send what waits; `onResult(entry, outcome)` hears of each one sent or refused.
export function flush(onResult) {
  if (flushing) return flushing;
  flushing = (async () => {
    const waiting = await all();
    if (!waiting.length || !navigator.onLine) return;
    const { send } = await import('./report-send.js');
    for (const entry of waiting) {
      let outcome;
      try {
        outcome = await send(entry.report);
      } catch {
        return; // the network failed again: keep it for the next `online`
      }
      await remove(entry.id);
      onResult?.(entry, outcome);
    }
  })().finally(() => {
    flushing = null;
  });
  return flushing;
}

// The proof of work of report-send.js for the other anonymous POSTs (a survey's answer, its
// e-mail code). Imported from here, the app's first script: a dynamic import from a chunk
// loaded later would make Vite preload the first script's style sheet, which the build
// inlines into the page (a 404).
export async function proofOfWork() {
  const { proofOfWork: solve } = await import('./report-send.js');
  return solve();
}
