// Everything the pages read, in one archive (loaders/site/site-archive.ts): a page's
// FileAttachment("data/site/tables/nps.json") is the member tables/nps.json. One loader, so one
// process for the whole site; the tables are computed before Framework runs (scripts/prepare-site.ts).
import { runLoader, UsageError } from "../../loaders/site/data-loader.js";
import { writeSiteArchive } from "../../loaders/site/site-archive.js";

await runLoader("site.zip", async (options, report) => {
  if (options.wave || options.segment)
    throw new UsageError("the site holds every wave and segment; --wave and --segment apply to cva table and to a page's own loader");
  return { rows: await writeSiteArchive(options, process.stdout, report), unit: "file" };
});
