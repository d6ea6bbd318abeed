#!/usr/bin/env bash
# The step glossary in docs/steps.txt is generated (`mhhs-qual steps`); fail when it drifted.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo run --quiet -- steps > /tmp/mhhs-qual-steps.txt
if ! diff -u docs/steps.txt /tmp/mhhs-qual-steps.txt; then
  echo "docs/steps.txt is out of date: run 'cargo run -- steps > docs/steps.txt'" >&2
  exit 1
fi
