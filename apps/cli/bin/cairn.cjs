#!/usr/bin/env node
// The `cairn` command's entry. It must run on any Node, however old, long enough to say which Node
// cairn needs: the real CLI is ESM that an old Node cannot even load (an import of `node:sqlite`
// fails before any of its code runs). So this file is CommonJS written for old parsers (var, no
// arrow functions, no optional chaining), and it loads the real CLI only once the check passed.
var path = require("path");
var fs = require("fs");

var pkg = require("../package.json");
var wanted = /(\d+)(?:\.(\d+))?/.exec(pkg.engines.node);
var found = process.versions.node.split(".");
var major = Number(found[0]);
var minor = Number(found[1]);
var needMajor = Number(wanted[1]);
var needMinor = Number(wanted[2] || 0);

if (major < needMajor || (major === needMajor && minor < needMinor)) {
  process.stderr.write(
    "cairn needs Node.js " +
      needMajor +
      "." +
      needMinor +
      " or newer, but " +
      process.execPath +
      " is Node.js " +
      process.versions.node +
      ": install a current Node.js (https://nodejs.org, or your system's package manager), or use cairn's single executable, which brings its own (docs/install.md)\n",
  );
  process.exit(2);
}

var main = path.join(__dirname, "..", "dist", "main.js");
if (!fs.existsSync(main)) {
  process.stderr.write(
    "cairn is not built (" + main + " is missing): run `npm run build` in the repository first\n",
  );
  process.exit(1);
}
// Through Function so that a parser without import() (Node 10 and older) still reaches the check above.
new Function("url", "return import(url)")(require("url").pathToFileURL(main).href);
