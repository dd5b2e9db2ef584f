#!/usr/bin/env node
// Forge-compatible front end for solc-js (npm package "solc").
// forge runs `solc --version` to learn the compiler version and then
// `solc --standard-json [--allow-paths ..] [--base-path ..] [--include-path ..]`
// with the Standard JSON input on stdin; this wrapper answers both so that
// `forge build` works offline, without downloading a native solc binary.
'use strict';
const fs = require('fs');
const path = require('path');

const solc = require(path.join(__dirname, '..', 'node_modules', 'solc'));
const args = process.argv.slice(2);

if (args.includes('--version') || args.includes('-v')) {
  // Same shape as the native binary: forge parses the "Version:" line.
  const version = solc.version().replace('.Emscripten.clang', '.Linux.g++');
  process.stdout.write('solc, the solidity compiler commandline interface\nVersion: ' + version + '\n');
  process.exit(0);
}

if (!args.includes('--standard-json')) {
  process.stderr.write('tools/solc: only --version and --standard-json are supported\n');
  process.exit(2);
}

function optionValues(name) {
  const values = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === name && i + 1 < args.length) values.push(args[i + 1]);
    else if (args[i].startsWith(name + '=')) values.push(args[i].slice(name.length + 1));
  }
  return values;
}

const roots = [...optionValues('--base-path'), ...optionValues('--include-path'), process.cwd()];

// forge normally inlines every source's content; this callback only serves
// imports it did not inline, searching the base and include paths.
function findImports(importPath) {
  for (const root of roots) {
    const candidate = path.resolve(root, importPath);
    if (fs.existsSync(candidate)) return { contents: fs.readFileSync(candidate, 'utf8') };
  }
  return { error: 'File not found: ' + importPath };
}

const input = fs.readFileSync(0, 'utf8');
process.stdout.write(solc.compile(input, { import: findImports }));
