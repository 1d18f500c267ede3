// Extension-host test entry (loaded by code-server's extension host through the URL payload): runs every
// test/e2e/suite/*.test.js with mocha and tags its output so test/e2e/exthost.mjs can relay it.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const util = require('node:util');
const Mocha = require('mocha');

exports.run = function run() {
  Mocha.reporters.Base.consoleLog = (...a) => console.log('[mocha] ' + util.format(...a));
  const mocha = new Mocha({ ui: 'bdd', reporter: 'spec', color: false, timeout: 30000 });
  for (const f of fs.readdirSync(__dirname).filter((n) => n.endsWith('.test.js')).sort()) {
    mocha.addFile(path.join(__dirname, f));
  }
  return new Promise((resolve, reject) => {
    mocha.run((failures) => (failures ? reject(new Error(`${failures} extension-host test(s) failed`)) : resolve()));
  });
};
