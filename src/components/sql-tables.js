// The explore page's database: DuckDB-Wasm with the site's Parquet tables, loaded only when a
// query needs them. DuckDB-Wasm (about 35 MB) is fetched with the first query, and a table's
// Parquet with the first query that names it, so opening the page costs neither. DuckDB-Wasm is
// built without its parquet extension and would download it from DuckDB's site, which this site
// never contacts; so each file is read by parquet-wasm (vendored, as for FileAttachment.parquet())
// and handed to DuckDB as an Arrow IPC stream, which DuckDB-Wasm reads natively.

/** The names among `names` that `sql` mentions as a word (any case): the tables a query may read. */
export function tablesNamed(sql, names) {
  const words = new Set(sql.toLowerCase().match(/[a-z_][a-z0-9_]*/g) ?? []);
  return names.filter((name) => words.has(name.toLowerCase()));
}

/**
 * A database over `files` ({name: FileAttachment of a .parquet}) whose `query(sql)` first
 * starts DuckDB (once) and registers the tables the query names that are not yet registered.
 */
export function lazyDatabase(files) {
  let started;
  const registered = new Set();
  const start = async () => {
    const [Arrow, { DuckDBClient }] = await Promise.all([
      import("npm:apache-arrow"),
      import("npm:@observablehq/duckdb")
    ]);
    const client = await DuckDBClient.of();
    const setup = await client._db.connect();
    try {
      // A query that needs an extension fails with DuckDB's message instead of fetching it.
      await setup.query("SET GLOBAL autoinstall_known_extensions = false");
      await setup.query("SET GLOBAL autoload_known_extensions = false");
    } finally {
      await setup.close();
    }
    return { Arrow, client };
  };
  const register = async ({ Arrow, client }, name) => {
    const ipc = Arrow.tableToIPC(await files[name].parquet(), "stream");
    const connection = await client._db.connect();
    try {
      await connection.insertArrowFromIPCStream(ipc, { name, schema: "main", create: true });
    } finally {
      await connection.close();
    }
    registered.add(name);
  };
  return {
    async query(sql) {
      started ??= start();
      const db = await started;
      const needed = tablesNamed(sql, Object.keys(files)).filter((name) => !registered.has(name));
      // parquet-wasm fetches its 5 MB binary on first use, once per use begun before the first
      // finishes: one table first, then the rest together.
      const [first, ...rest] = needed;
      if (first) await register(db, first);
      await Promise.all(rest.map((name) => register(db, name)));
      return db.client.query(sql);
    }
  };
}
