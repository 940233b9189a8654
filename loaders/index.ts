/** The CVA Reports library: what the `cva` CLI, the scripts and the tests call. */
export { CvaError, formatProblem, IngestError, noFilterColumn, UsageError, type Problem } from "./core/errors.js";
export { Database, type Row, type Scalar } from "./core/db.js";
export { dataFolderFrom, SAMPLE_DATA_DIR } from "./core/environment.js";
export { configJsonSchema, configSchema, parseConfig, readConfig, type Config } from "./contract/config.js";
export { CONTRACT, CONTRACT_VERSION, type ExportName, type FileSpec } from "./contract/contract.js";
export { ingestFolder, type IngestResult } from "./ingest/ingest.js";
export type { FileSummary } from "./ingest/summary.js";
export { contextOf, type TableContext } from "./warehouse/context.js";
export { DEFAULT_WAREHOUSE_DIR, ensureWarehouse, openWarehouse, type WarehouseOptions } from "./warehouse/warehouse.js";
export { EXPLORE_TABLES, TABLE_FAMILIES, TABLES, tableNamed } from "./metrics/registry.js";
export { missingInputs, type TableDefinition } from "./metrics/table.js";
export {
  copyQuery,
  TABLE_FORMATS,
  tableQuery,
  tableRows,
  writeTable,
  type TableFilters,
  type TableFormat
} from "./publish/table-output.js";
export {
  tableColumnsOfFolder,
  tableOfFolder,
  withWarehouse,
  writeTableOfFolder,
  type FolderOptions
} from "./publish/folder.js";
export { precomputeTables } from "./publish/precompute.js";
export {
  overviewFrom,
  overviewOfFolder,
  type Overview,
  type QuarterRevenue,
  type WaveResponses
} from "./site/overview.js";
export { exploreTableList, reportConfigOfFolder, sqlTableName, surveyConfigOfFolder } from "./site/page-config.js";
