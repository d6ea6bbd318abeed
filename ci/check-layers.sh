#!/usr/bin/env bash
# The layers of docs/ARCHITECTURE.md, each importing only those below it:
#   cli -> runner (cucumber glue) -> sandbox -> steps (phrases) -> session -> stub, sut, prompt, journal,
#   report, store (the journal store: uses journal) -> dip, schema, market, security, serve, config, party
# Fails naming every `use crate::` (or `crate::` path) that reaches upwards.
set -uo pipefail
cd "$(dirname "$0")/.."
status=0
check() { # $1: what, $2: paths, $3: forbidden module pattern
  local hits
  hits=$(grep -rnE "crate::($3)\b" $2 2>/dev/null)
  if [ -n "$hits" ]; then
    echo "layering: $1 must not use crate::{$3}:"
    echo "$hits" | sed 's/^/  /'
    status=1
  fi
}
engine="src/stub src/sut src/dip src/schema src/market src/security src/serve.rs src/config.rs src/party.rs src/journal.rs src/prompt.rs src/report src/datacheck"
check "the engine" "$engine" "session|load|steps|runner|cli|sandbox"
# The journal store sits beside the journal's other users: it reads the journal (and the
# message model and configuration below it), nothing above; the modules below never use it.
check "the journal store" "src/store" "stub|sut|prompt|report|datacheck|session|load|steps|runner|cli|sandbox"
check "the modules below the store" "src/dip src/schema src/market src/security src/config.rs src/party.rs src/journal.rs" "store"
# The HTTP server serves both the stub DIP and the reference participant: it knows neither.
check "serve" "src/serve.rs" "stub|sut|journal|prompt|report|session|load|steps|runner|cli|sandbox"
# The sandbox runs a harness with its store and live endpoint; the runner and the command line
# use it, nothing below them.
check "sandbox/" "src/sandbox" "steps|runner|cli|load"
check "the session layer" "src/session" "load|steps|runner|cli|sandbox"
check "load/" "src/load" "steps|runner|cli"
check "steps/" "steps" "runner|cli"
check "runner/" "src/runner" "cli"
# Gherkin stays in runner/ and steps/: the session layer and the engine know nothing of it.
# (the crates, not a module of our own of that name, such as report::cucumber)
hits=$(grep -rnE "(^|[^:[:alnum:]_])(cucumber|gherkin)::" $engine src/session 2>/dev/null)
if [ -n "$hits" ]; then
  echo "layering: the session layer and the engine must not use cucumber or gherkin:"
  echo "$hits" | sed 's/^/  /'
  status=1
fi
[ "$status" -eq 0 ] && echo "layering: ok"
exit "$status"
