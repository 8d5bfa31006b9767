#!/usr/bin/env node
/**
 * The cost model's command (`viewer-presence-cost` in @viewer-presence/shared's package.json).
 * cli.ts runs itself only when it is the script Node was started with, which a package's bin
 * (a symlink in node_modules/.bin) is not; this entry runs it unconditionally.
 */
import { main } from "./cli.js";
process.exitCode = main(process.argv.slice(2), {
    out: (text) => process.stdout.write(`${text}\n`),
    err: (text) => process.stderr.write(`${text}\n`),
});
