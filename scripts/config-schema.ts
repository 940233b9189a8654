/** npm run schema: writes docs/cva.config.schema.json from the zod schema in loaders/config.ts. */
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { configJsonSchema } from "../loaders/contract/config.js";

export const SCHEMA_PATH = fileURLToPath(new URL("../docs/cva.config.schema.json", import.meta.url));

export function schemaText(): string {
  return (
    JSON.stringify({ title: "CVA Reports configuration (cva.config.json)", ...configJsonSchema() }, null, 2) + "\n"
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(SCHEMA_PATH, schemaText());
  console.log(`wrote ${SCHEMA_PATH}`);
}
