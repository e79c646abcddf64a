#!/usr/bin/env bash
# Supply chain: licences, duplicate crates, sources, and (when a local copy of the RustSec
# database is there) advisories, with cargo-deny and no network beyond the crate registry.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

command -v cargo-deny >/dev/null || cargo install cargo-deny --locked --version 0.20.2 --quiet
# cargo metadata needs the crates of every platform in the lock file.
cargo fetch --locked --quiet

bundle="${RUGZAK_ADVISORY_BUNDLE:-../shared/advisory-db.bundle}"
if [ -f "$bundle" ]; then
  # cargo-deny looks for the database of db-urls in a folder named after its URL under db-path.
  db="target/advisory-db/$(cat scripts/advisory-db-folder)"
  if [ ! -d "$db" ]; then
    mkdir -p target/advisory-db
    git -c init.defaultBranch=main clone --quiet "$bundle" "$db"
  fi
  cargo deny --offline check
else
  echo "no copy of the RustSec database at $bundle: advisories not checked (licences, bans, sources are)"
  cargo deny --offline check licenses bans sources
fi
