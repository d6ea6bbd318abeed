#!/usr/bin/env bash
# Installs what the test suite needs beside Rust: xmllint (libxml2, a third-party JUnit
# consumer) and python-jsonschema with PyYAML (an independent validator for the official-spec
# agreement test). Safe to run again.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
if ! command -v xmllint >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq libxml2-utils >/dev/null
fi
if ! python3 -c 'import jsonschema, yaml, referencing' >/dev/null 2>&1; then
  python3 -m pip install --quiet --disable-pip-version-check -r "$here/requirements.txt"
fi
