// The parts of cva.config.json the pages need (brands, attributes, fair-value line): no PII.
import { UsageError, runLoader } from "../../loaders/site/data-loader.js";
import { surveyConfigOfFolder } from "../../loaders/site/page-config.js";

await runLoader("survey-config.json", async (options, report) => {
  if (options.wave || options.segment) throw new UsageError("the survey's configuration is the same for every wave and segment; --wave and --segment do not apply");
  const config = await surveyConfigOfFolder(options.dataDir, { pinned: options.pinned, onStage: (stage) => report.progress(`ingest: ${stage}`) });
  process.stdout.write(JSON.stringify(config));
  return { rows: config ? 1 : 0 };
});
