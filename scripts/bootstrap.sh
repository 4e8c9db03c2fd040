#!/usr/bin/env bash
# Installs what bugcap needs to build and test, skipping whatever is already there. Safe to run
# on every `npm run demo` / `npm test`: on a ready machine it only checks and exits.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf 'bootstrap: %s\n' "$*"; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

export PATH="$HOME/.cargo/bin:$PATH"

if ! command -v cargo >/dev/null || ! command -v rustup >/dev/null; then
  say "Rust (rustup + cargo) is required: install it from rustup.rs, then re-run." >&2
  exit 1
fi
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  say "installing Node.js and npm (Debian packages)"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm
fi

# The toolchain rust-toolchain.toml pins (the wasm builds' unstable flags depend on its exact
# version). Installed before anything else runs cargo here: with rustup's automatic install off,
# every cargo call in this tree would fail until it is.
toolchain=$(sed -n 's/^channel *= *"\(.*\)"/\1/p' rust-toolchain.toml)
if [ -z "$toolchain" ]; then
  say "rust-toolchain.toml names no channel" >&2
  exit 1
fi
if ! rustup toolchain list | grep -q "^$toolchain-"; then
  say "installing Rust $toolchain (rust-toolchain.toml)"
  rustup toolchain install "$toolchain" --profile minimal \
    --component rustfmt,clippy,rust-src --target wasm32-unknown-unknown
fi

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi
# rust-src: the package's wasm modules rebuild the standard library for size (scripts/build.mjs).
for component in rustfmt clippy rust-src; do
  if ! rustup component list --installed | grep -q "^$component"; then
    say "adding $component"
    rustup component add "$component"
  fi
done

missing_debs=()
command -v chromium >/dev/null || missing_debs+=(chromium)
command -v chromedriver >/dev/null || missing_debs+=(chromium-driver)
# The screenshot's web-font test serves one of these as a web font.
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSerif-Bold.ttf ] || missing_debs+=(fonts-dejavu-core)
# A virtual display: headless Chromium has no screen capture, so the test of the real-pixels
# screenshot runs a headed Chromium on Xvfb.
command -v Xvfb >/dev/null || missing_debs+=(xvfb)
# The relay's Postgres backend is tested against throwaway clusters (initdb, pg_ctl).
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || missing_debs+=(postgresql)
if [ ${#missing_debs[@]} -gt 0 ]; then
  say "installing ${missing_debs[*]} (Debian packages)"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing_debs[@]}"
fi

# wasm-bindgen's CLI must be exactly the version of the crate in Cargo.lock.
wb_version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
if [ -z "$wb_version" ]; then
  say "no wasm-bindgen in Cargo.lock" >&2
  exit 1
fi
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$wb_version" ]; then
  say "installing wasm-bindgen-cli $wb_version"
  # Without --locked: the CLI's own lockfile pins a release some registries no longer serve.
  cargo install wasm-bindgen-cli --version "=$wb_version" --force
fi
if ! command -v wasm-pack >/dev/null; then
  say "installing wasm-pack"
  cargo install wasm-pack --locked
fi

# A real S3-compatible server for the media tests (checks SigV4, presigned URLs included).
s3s_version=0.14.1
if [ "$(s3s-fs --version 2>/dev/null | awk '{print $2}')" != "$s3s_version" ]; then
  say "installing s3s-fs $s3s_version"
  cargo install s3s-fs --version "=$s3s_version" --features binary --locked
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing npm dev dependencies"
  npm ci --no-audit --no-fund
fi
