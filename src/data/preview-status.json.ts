// During `npm run dev`: what stops the current exports from ingesting, for the panel on every
// page (src/components/preview-status.js). In a build there is no preview: always no problems.
import { UsageError, runLoader } from "../../loaders/site/data-loader.js";
import { previewStatusOf } from "../../loaders/site/preview-state.js";

await runLoader("preview-status.json", async (options) => {
  if (options.wave || options.segment) throw new UsageError("the preview's status is the same for every wave and segment; --wave and --segment do not apply");
  const status = previewStatusOf(options.dataDir);
  process.stdout.write(JSON.stringify(status));
  return { rows: status.problems.length, source: status.checkedAt ? "preview" : "build" };
});
