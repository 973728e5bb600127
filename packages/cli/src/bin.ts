#!/usr/bin/env node
import { runProgram } from './program.js'

// The exit code is set only after the command closed what it opened; exiting explicitly
// also ends a pool the user's config opened and never closed (stdout and stderr are
// synchronous for files and pipes on POSIX, so nothing written is lost).
void runProgram(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
}).then((code) => process.exit(code))
