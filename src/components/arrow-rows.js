// Rows of an Arrow table (FileAttachment(...).parquet() or .arrow()) as plain objects. Parquet
// keeps DuckDB's BIGINT counts as 64-bit integers, which Arrow hands over as BigInt; d3's
// formats and Plot's scales want numbers, and our counts are far below 2^53.

/** `table`'s rows as objects, 64-bit integers as numbers. */
export function rowsOf(table) {
  return table.toArray().map((row) => {
    const object = row.toJSON();
    for (const key in object) if (typeof object[key] === "bigint") object[key] = Number(object[key]);
    return object;
  });
}
