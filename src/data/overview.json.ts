// Headline figures for the overview page, from the exports in the data folder (--data, else CVA_DATA, else data/).
import { UsageError, runLoader } from "../../loaders/site/data-loader.js";
import { overviewOfFolder } from "../../loaders/site/overview.js";

await runLoader("overview.json", async (options, report) => {
  if (options.wave || options.segment) throw new UsageError("the overview covers every wave and segment; --wave and --segment do not apply");
  const overview = await overviewOfFolder(options.dataDir, { pinned: options.pinned, onStage: (stage) => report.progress(`ingest: ${stage}`) });
  process.stdout.write(JSON.stringify(overview));
  return { rows: 1 };
});
