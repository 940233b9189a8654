#!/usr/bin/env node
// The cva command. Registers tsx so the TypeScript sources run as they are, no build step;
// a plain request for help is answered first, without loading either.
import { USAGE } from "../cli/usage.js";

// `cva tables | head`: a reader that stops early is not an error.
process.stdout.on("error", (error) => {
  if (error.code === "EPIPE") process.exit(0);
  throw error;
});
const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === "--help" || argv[0] === "-h")) {
  process.stdout.write(`${USAGE}\n`);
} else {
  const { register } = await import("tsx/esm/api");
  register();
  const { main } = await import("../cli/cva.ts");
  process.exitCode = await main(argv);
}
