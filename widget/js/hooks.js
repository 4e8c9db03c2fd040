// The few lines that must be JavaScript: a wrapper that takes any number of arguments and keeps
// `this`. Everything it records goes straight to Rust. Listed in the package's ignore list so the
// host's devtools show the host's own call sites.

// What a wrapped console call costs the host: a few array writes. The arguments wait in a ring
// of the last `limit` calls and are handed to Rust (which serializes them) in one batch when
// the current task's synchronous code is done, or at once when a report is built. Objects are
// therefore read as they are at the end of the task that logged them. Stacks of
// `trace`/`assert` are taken at the call, where they mean something.
export function consoleRecorder(limit, flush) {
  const levels = new Array(limit);
  const times = new Array(limit);
  const args = new Array(limit);
  const stacks = new Array(limit);
  let next = 0;
  let count = 0;
  let scheduled = false;
  let flushing = false;
  const drain = () => {
    scheduled = false;
    if (count === 0) return;
    const start = (next - count + limit) % limit;
    const batch = [];
    for (let k = 0; k < count; k++) {
      const i = (start + k) % limit;
      batch.push(levels[i], times[i], args[i], stacks[i]);
      args[i] = stacks[i] = undefined;
    }
    count = 0;
    flushing = true;
    try {
      flush(batch);
    } catch (_) {
      // A bad argument must not break the host; the batch is dropped.
    } finally {
      flushing = false;
    }
  };
  const record = (level, callArgs, withStack) => {
    // Re-entrancy guard: a getter or toString run by the serializer that logs is not recorded.
    if (flushing) return;
    levels[next] = level;
    times[next] = Date.now();
    args[next] = callArgs;
    stacks[next] = withStack ? new Error().stack : undefined;
    next = (next + 1) % limit;
    if (count < limit) count++;
    if (!scheduled) {
      scheduled = true;
      queueMicrotask(drain);
    }
  };
  return { record, drain };
}

export function wrapConsoleMethod(target, name, level, withStack, recorder) {
  const original = target[name];
  if (typeof original !== "function") return undefined;
  const wrapped = function (...args) {
    try {
      recorder.record(level, args, withStack);
    } catch (_) {
      // Capture must never break the host's logging.
    }
    return original.apply(this, args);
  };
  target[name] = wrapped;
  return { original, wrapped };
}

// Puts the original back only if nobody wrapped the method after us; otherwise restoring would
// silently drop the other wrapper.
export function restoreConsoleMethod(target, name, original, wrapped) {
  if (target[name] === wrapped) {
    target[name] = original;
    return true;
  }
  return false;
}

// When the page last became visible: the Performance Timeline's visibility entries where the
// browser keeps them (they go back to before `init`), else the time `init` saw it visible.
// `null` while hidden.
export function trackVisibility(doc) {
  let since = null;
  if (doc.visibilityState === "visible") {
    since = Date.now();
    try {
      const entries = performance.getEntriesByType("visibility-state");
      const last = entries[entries.length - 1];
      if (last && last.name === "visible") since = performance.timeOrigin + last.startTime;
    } catch (_) {
      // Older browsers: the time `init` ran is the best we know.
    }
  }
  const onChange = () => {
    if (doc.visibilityState !== "visible") since = null;
    else since ??= Date.now();
  };
  doc.addEventListener("visibilitychange", onChange);
  return {
    since: () => since,
    stop: () => doc.removeEventListener("visibilitychange", onChange),
  };
}

// Every event handler the widget adds to the page goes through `guard`: whatever the widget's
// code throws there, a WebAssembly trap included, is written to the console and never reaches
// the host page as an uncaught error (each module's snippet has its own copy).
export const guard = (handler) => (event) => {
  try { handler(event); } catch (error) { console.error("bugcap: internal error in the widget's UI (the page is not affected):", error); }
};
