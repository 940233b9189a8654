// What `cva --help` prints, in plain JavaScript: bin/cva.js answers --help with it before
// loading TypeScript or the library, so the answer is instant.
/** @type {string} */
export const USAGE = `usage:
  cva validate [--data DIR]                 check the exports, print a summary per file
  cva tables                                list the tables
  cva table NAME [--data DIR] [--format csv|json|parquet] [--out FILE] [--wave W] [--segment S]
                                            compute a table (to stdout unless --out),
                                            only one wave's or segment's rows if asked
  cva new-page "TITLE"                      scaffold your own page (src/analyses/) and its
                                            loader (src/data/analyses/); see docs/analyst-guide.md
The data folder is --data, else $CVA_DATA, else the bundled sample data.`;
