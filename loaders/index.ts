/** The CVA Reports library: what the Framework data loaders, the CLI and the tests call. */
export { Database, plainRows, type Row, type Scalar } from "./db.js";
export { dataFolderFrom, SAMPLE_DATA_DIR } from "./data-folder.js";
export { attachExports, EXPORT_TYPES, type ExportName } from "./exports.js";
export { overviewFrom, type Overview, type QuarterRevenue, type WaveResponses } from "./overview.js";

import { Database } from "./db.js";
import { attachExports } from "./exports.js";
import { overviewFrom, type Overview } from "./overview.js";

/** The overview figures of the exports in `dataDir`, computed in a scratch in-memory database. */
export async function overviewOfFolder(dataDir: string): Promise<Overview> {
  const db = await Database.open();
  try {
    await attachExports(db, dataDir, ["customers", "orders", "responses"]);
    return await overviewFrom(db);
  } finally {
    db.close();
  }
}
