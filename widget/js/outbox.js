// IndexedDB plumbing for the outbox: reports that could not be sent yet (offline, relay
// unreachable), kept with their media until they are delivered. What to keep and when to send
// is decided in Rust (widget/src/queue.rs).

const DB = "bugcap";
const STORE = "outbox";
// A count in localStorage lets the loader see at `init` whether anything waits, without
// opening IndexedDB or loading the reporter on every page view.
const FLAG = "bugcap.outbox";

function open() {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE, { keyPath: "id" });
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

async function run(mode, work) {
  const db = await open();
  try {
    return await new Promise((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const result = work(tx.objectStore(STORE));
      tx.oncomplete = () => resolve(result.result);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error ?? new Error("the outbox transaction was aborted"));
    });
  } finally {
    db.close();
  }
}

async function mark() {
  const count = await run("readonly", (store) => store.count());
  try {
    if (count > 0) localStorage.setItem(FLAG, String(count));
    else localStorage.removeItem(FLAG);
  } catch (_) {}
  return count;
}

export async function outboxPut(record) {
  await run("readwrite", (store) => store.put(record));
  return mark();
}

export async function outboxDelete(id) {
  await run("readwrite", (store) => store.delete(id));
  return mark();
}

export function outboxAll() {
  return run("readonly", (store) => store.getAll());
}
