/** Numbers as the tables publish them. */

/** `x` rounded to `digits` decimals; null for a missing or non-finite value (never NaN in a table). */
export const round = (x: number | null | undefined, digits: number): number | null =>
  x === null || x === undefined || !Number.isFinite(x) ? null : Math.round(x * 10 ** digits) / 10 ** digits;
