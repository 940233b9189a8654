// The tables the explore page registers for SQL, by their SQL name, with what each holds.
import { UsageError, runLoader } from "../../loaders/site/data-loader.js";
import { exploreTableList } from "../../loaders/site/page-config.js";

await runLoader("explore-tables.json", async (options) => {
  if (options.wave || options.segment) throw new UsageError("the list of tables is the same for every wave and segment; --wave and --segment do not apply");
  const tables = exploreTableList();
  process.stdout.write(JSON.stringify(tables));
  return { rows: tables.length };
});
