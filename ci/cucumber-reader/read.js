#!/usr/bin/env node
// Reads a Cucumber JSON file with multiple-cucumber-html-reporter, which renders it as HTML
// pages (into a temporary folder, then dropped), and prints what it read as one JSON object:
// the scenario counts it computed and, per scenario, the statuses of its steps and the JSON
// attachments it decoded.
//
//     node ci/cucumber-reader/read.js FILE
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const report = require('multiple-cucumber-html-reporter');

const file = process.argv[2];
if (!file) {
  console.error('usage: read.js FILE');
  process.exit(2);
}
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cucumber-reader-'));
try {
  const jsonDir = path.join(tmp, 'json');
  const reportPath = path.join(tmp, 'html');
  fs.mkdirSync(jsonDir);
  fs.copyFileSync(file, path.join(jsonDir, 'cucumber.json'));
  report.generate({
    jsonDir,
    reportPath,
    saveCollectedJSON: true,
    disableLog: true,
    openReportInBrowser: false,
  });
  const suite = JSON.parse(fs.readFileSync(path.join(reportPath, 'enriched-output.json'), 'utf8'));
  const pages = fs.readdirSync(path.join(reportPath, 'features')).filter((f) => f.endsWith('.html'));
  const scenarios = [];
  for (const feature of suite.features) {
    for (const s of feature.elements) {
      scenarios.push({
        name: s.name,
        tags: (s.tags || []).map((t) => t.name),
        steps: s.steps.map((st) => st.result.status),
        json: s.steps.flatMap((st) => st.json || []),
      });
    }
  }
  console.log(JSON.stringify({
    features: suite.featureCount.total,
    pages: pages.length,
    index: fs.existsSync(path.join(reportPath, 'index.html')),
    scenarios: suite.scenarios,
    each: scenarios,
  }));
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}
