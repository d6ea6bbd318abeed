#!/usr/bin/env bash
# The pack documentation in docs/packs/ is generated (`mhhs-qual docs --out docs/packs`), and
# every shipped pack must pass `mhhs-qual check`; fail when the docs drifted or a pack has an
# error (warnings, such as a phrase no shipped feature uses, are printed and allowed).
set -uo pipefail
cd "$(dirname "$0")/.."
status=0
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
cargo run --quiet -- docs --out "$out/packs" 2>/dev/null || status=1
if ! diff -ru docs/packs "$out/packs"; then
  echo "docs/packs is out of date: run 'cargo run -- docs --out docs/packs'" >&2
  status=1
fi
if ! cargo run --quiet -- check; then
  echo "a shipped pack has errors: see the findings above (mhhs-qual check)" >&2
  status=1
fi
exit "$status"
