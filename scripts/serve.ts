/** npm run serve -- [--port N]: serves the built site in dist/ on 127.0.0.1. */
import { parseArgs } from "node:util";
import { startStaticServer } from "./static-server.js";

const { values } = parseArgs({
  options: { port: { type: "string", default: "3000" }, dir: { type: "string", default: "dist" } }
});
const server = await startStaticServer(values.dir, { port: Number(values.port) });
console.log(`serving ${values.dir}/ at ${server.url} (Ctrl-C to stop)`);
