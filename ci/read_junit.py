#!/usr/bin/env python3
"""Reads a JUnit file as CI consumers do and prints what they see, as one JSON object.

    python3 ci/read_junit.py FILE

Two readers, both from PyPI (ci/requirements.txt):
- junitparser, the parser of the publish-unit-test-result GitHub action;
- junit2html, which also renders the file as an HTML page (rendered here, then dropped).

Each reader's counts of tests, failures, errors and skipped are printed; the script fails
(exit 1) when a reader cannot read the file, when the readers disagree, or when the counts a
<testsuite> or <testsuites> declares differ from its testcases.
"""

import json
import sys

import junitparser
from junit2htmlreport.parser import Junit


def with_junitparser(path):
    xml = junitparser.JUnitXml.fromfile(path)
    suites = [xml] if isinstance(xml, junitparser.TestSuite) else list(xml)
    counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    names, messages, problems = [], [], []
    for suite in suites:
        own = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
        for case in suite:
            own["tests"] += 1
            names.append(case.name)
            for r in case.result:
                if isinstance(r, junitparser.Failure):
                    own["failures"] += 1
                elif isinstance(r, junitparser.Error):
                    own["errors"] += 1
                elif isinstance(r, junitparser.Skipped):
                    own["skipped"] += 1
                if isinstance(r, (junitparser.Failure, junitparser.Error)):
                    messages.append(r.message)
        for key, n in own.items():
            declared = getattr(suite, key)
            if key == "skipped" and declared is None:
                declared = 0
            if declared != n:
                problems.append(f"testsuite {suite.name!r} declares {key}={declared}, has {n}")
            counts[key] += n
    if not isinstance(xml, junitparser.TestSuite):
        for key in ("tests", "failures", "errors"):
            if getattr(xml, key) != counts[key]:
                problems.append(
                    f"testsuites declares {key}={getattr(xml, key)}, has {counts[key]}"
                )
    return counts, names, messages, problems


def with_junit2html(path):
    report = Junit(filename=path)
    counts = {"tests": 0, "failures": 0, "skipped": 0}
    for suite in report.suites:
        for case in suite.all():
            counts["tests"] += 1
            if case.skipped:
                counts["skipped"] += 1
            elif case.failed():
                counts["failures"] += 1  # junit2html counts errors as failures
    page = report.html()
    if "<html" not in page:
        raise ValueError("junit2html rendered no page")
    return counts


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    path = sys.argv[1]
    counts, names, messages, problems = with_junitparser(path)
    j2h = with_junit2html(path)
    expected = {
        "tests": counts["tests"],
        "failures": counts["failures"] + counts["errors"],
        "skipped": counts["skipped"],
    }
    if j2h != expected:
        problems.append(f"junit2html sees {j2h}, junitparser {counts}")
    print(
        json.dumps(
            {
                **counts,
                "junit2html": j2h,
                "names": names,
                "messages": messages,
                "problems": problems,
            }
        )
    )
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
