// What every page needs of cva.config.json whatever the exports: the reports' currency.
import { UsageError, runLoader } from "../../loaders/site/data-loader.js";
import { reportConfigOfFolder } from "../../loaders/site/page-config.js";

await runLoader("report-config.json", async (options, report) => {
  if (options.wave || options.segment) throw new UsageError("the report's configuration is the same for every wave and segment; --wave and --segment do not apply");
  process.stdout.write(JSON.stringify(await reportConfigOfFolder(options.dataDir, { pinned: options.pinned, onStage: (stage) => report.progress(`ingest: ${stage}`) })));
  return { rows: 1 };
});
