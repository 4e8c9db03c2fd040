#!/usr/bin/env bash
# Every test bugcap has: formatting and lints for both targets, Rust unit and integration tests
# (including the relay binary), wasm-bindgen tests in headless Chromium, and end-to-end browser
# tests against the real relay. Exits non-zero on the first failure.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

step() { printf '\n==> %s\n' "$*"; }

step "bootstrap"
bash scripts/bootstrap.sh

step "cargo fmt --check"
cargo fmt --all --check

step "cargo clippy (native)"
cargo clippy --workspace --all-targets --features bugcap-protocol/schema -- -D warnings

step "cargo clippy (wasm32)"
cargo clippy -p bugcap-widget -p bugcap-protocol --target wasm32-unknown-unknown --all-targets -- -D warnings
# The modules the package ships are built from the widget crate with one feature each.
for module in capture reporter custom-patterns; do
  cargo clippy -p bugcap-widget --target wasm32-unknown-unknown --lib --no-default-features --features "$module" -- -D warnings
done

step "cargo test (native: protocol, relay, widget unit tests)"
cargo test --workspace --exclude bugcap-widget --features bugcap-protocol/schema
# The engine as the widget's plain reporter builds it, without host patterns.
cargo test -p bugcap-protocol --no-default-features --lib
# The widget's pure logic (parsers, limits, layout arithmetic) has unit tests that run natively.
cargo test -p bugcap-widget --lib

step "wasm-bindgen tests in headless Chromium"
# A test page that never reports back fails after two minutes instead of holding CI.
export WASM_BINDGEN_TEST_TIMEOUT=120
# The runner's page sometimes never finishes loading its scripts ("Failed to detect test as
# having been run", wasm-pack#783): that one harness failure, where no test ran, is retried
# once. A test that ran and failed is not.
wasm_tests() {
  local log
  log=$(mktemp)
  if wasm-pack test --headless --chrome --chromedriver "$(command -v chromedriver)" "$1" 2>&1 | tee "$log"; then
    rm -f "$log"
    return 0
  fi
  if grep -q "Failed to detect test as having been run" "$log" && ! grep -q "test result: FAILED" "$log"; then
    rm -f "$log"
    printf '\n==> the test page for %s never loaded; running its tests once more\n' "$1"
    wasm-pack test --headless --chrome --chromedriver "$(command -v chromedriver)" "$1"
    return
  fi
  rm -f "$log"
  return 1
}
wasm_tests protocol
wasm_tests widget

step "build scripts (wasm layout)"
node --test tests/build/

step "build the npm package"
node scripts/build.mjs --skip-bootstrap

step "end-to-end tests (real relay, headless Chromium)"
cargo build -p bugcap-relay
node --test --test-concurrency=1 tests/e2e/
