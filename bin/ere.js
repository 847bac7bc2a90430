#!/usr/bin/env node
// Entry point of the `ere` command: runs the compiled CLI (built by `npm ci` through `prepare`).
import { main } from '../dist/cli/main.js';

const code = await main(process.argv.slice(2));
process.exitCode = code;
// Everything is closed by now; should a library keep an idle socket open, do not wait on it for long.
setTimeout(() => process.exit(code), 2_000).unref();
