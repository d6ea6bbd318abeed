#!/usr/bin/env bash
# A participant's CI gate: run a pack against the system under test and fail the pipeline
# unless every scenario passed. Usage: ci/gate.sh CONFIG [PACK] [REPORT_DIR]
# Exit status: that of `mhhs-qual run` (0 passed, 1 failed, 2 could not run).
set -uo pipefail
config="${1:?usage: ci/gate.sh CONFIG [PACK] [REPORT_DIR]}"
pack="${2:-supplier}"
report="${3:-report}"
mhhs-qual check-config "$config" || exit 2
mhhs-qual run --config "$config" --pack "$pack" --report-dir "$report"
status=$?
case $status in
  0) echo "gate: every scenario of the $pack pack passed (report: $report/junit.xml)" ;;
  1) echo "gate: scenarios failed; see $report/junit.xml and $report/results.json" >&2 ;;
  *) echo "gate: the run could not start (configuration, features or ports)" >&2 ;;
esac
exit $status
