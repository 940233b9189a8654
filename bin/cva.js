#!/usr/bin/env node
// The cva command. Registers tsx so the TypeScript sources run as they are, no build step.
import { register } from "tsx/esm/api";

register();
const { main } = await import("../cli/cva.ts");
process.exitCode = await main(process.argv.slice(2));
