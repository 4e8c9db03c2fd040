// The few lines that must be JavaScript: a wrapper that takes any number of arguments and keeps
// `this`. Everything it records goes straight to Rust. Listed in the package's ignore list so the
// host's devtools show the host's own call sites.

export function wrapConsoleMethod(target, name, record) {
  const original = target[name];
  if (typeof original !== "function") return undefined;
  const wrapped = function (...args) {
    try {
      record(name, args);
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
