#!/usr/bin/env bash
# Installs what the test suite needs beside Rust: xmllint (libxml2, a third-party JUnit
# consumer), openssl (an independent implementation the signature interop test signs and
# verifies with), python-jsonschema with PyYAML (an independent validator for the
# official-spec agreement test), and junitparser and junit2html (JUnit readers that
# ci/read_junit.py reads every JUnit file of the tests with), and headless Chromium with
# playwright-core for the HTML report. Safe to run again.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
missing=()
command -v xmllint >/dev/null 2>&1 || missing+=(libxml2-utils)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
if [ "${#missing[@]}" -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >/dev/null
fi
if ! python3 -c 'import jsonschema, yaml, referencing, junitparser, junit2htmlreport' >/dev/null 2>&1; then
  python3 -m pip install --quiet --disable-pip-version-check -r "$here/requirements.txt"
fi
# Headless Chromium and its driver for the HTML report test (tests/html.rs): Debian's chromium,
# driven by playwright-core (pinned in ci/package.json) through ci/html_check.mjs and
# ci/msc_check.mjs.
[ -d "$here/node_modules/playwright-core" ] || (cd "$here" && npm ci --no-audit --no-fund --silent)
if [ ! -d "$here/cucumber-reader/node_modules/multiple-cucumber-html-reporter" ]; then
  npm ci --prefix "$here/cucumber-reader" --no-audit --no-fund --silent
fi
