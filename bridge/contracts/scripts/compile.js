// Compiles contracts/anchor.tolk with the pinned @ton/tolk-js (no network,
// no global tools), so the code under test is always built from source.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { runTolkCompiler } = require('@ton/tolk-js');
const { Cell } = require('@ton/core');

const CONTRACTS_DIR = path.join(__dirname, '..', 'contracts');

/** compileAnchor returns { code: Cell, codeHashHex, tolkVersion }; throws on a compile error. */
async function compileAnchor() {
  const res = await runTolkCompiler({
    entrypointFileName: 'anchor.tolk',
    fsReadCallback: (p) => fs.readFileSync(path.join(CONTRACTS_DIR, p), 'utf8'),
  });
  if (res.status !== 'ok') {
    throw new Error(`tolk: ${res.message}`);
  }
  const code = Cell.fromBase64(res.codeBoc64);
  return { code, codeHashHex: res.codeHashHex, tolkVersion: res.tolkVersion, fift: res.fiftCode };
}

module.exports = { compileAnchor };

if (require.main === module) {
  compileAnchor().then(
    (r) => {
      if (process.argv.includes('--fift')) console.log(r.fift);
      console.log(`tolk ${r.tolkVersion}: anchor code hash ${r.codeHashHex}, ${r.code.toBoc().length} bytes BOC`);
    },
    (e) => {
      console.error(e.message);
      process.exit(1);
    },
  );
}
