import { describe, expect, it } from "vitest";
import { suppressedCells, WHOLE, type CountedCell } from "../loaders/metrics/privacy/cell-suppression.js";

/** Cells of one slice ("w1"): the whole sample, then [breakdown, value, n] parts. */
const slice = (whole: number | null, ...parts: [string, string, number][]): CountedCell[] => [
  ...(whole === null ? [] : [{ slice: "w1", breakdown: WHOLE, value: WHOLE, n: whole }]),
  ...parts.map(([breakdown, value, n]) => ({ slice: "w1", breakdown, value, n }))
];
const hiddenOf = (cells: CountedCell[], min = 10) =>
  [...suppressedCells(cells, (c) => c, min)].map((c) => `${c.breakdown}:${c.value}`).sort();

describe("suppressedCells(cells, countOf, minCellSize)", () => {
  it("suppresses a small segment and the smallest sibling, so the whole minus the rest is two cells", () => {
    // C (5) is below 10; alone it would be 100 - 50 - 45. With B (45) hidden too, the published
    // figures give only B and C together: 50 answers.
    expect(hiddenOf(slice(100, ["segment", "A", 50], ["segment", "B", 45], ["segment", "C", 5]))).toEqual([
      "segment:B",
      "segment:C"
    ]);
  });

  it("counts respondents in no segment as a hidden cell", () => {
    // 100 - 60 - 35 = 5 respondents with no segment: the whole minus A and B is them alone.
    expect(hiddenOf(slice(100, ["segment", "A", 60], ["segment", "B", 35]))).toEqual(["segment:B"]);
    // 15 in no segment are a publishable group on their own: nothing to add.
    expect(hiddenOf(slice(100, ["segment", "A", 60], ["segment", "B", 25]))).toEqual([]);
    // A small segment beside them is hidden among them: 5 + 10 = 15 answers, no complement.
    expect(hiddenOf(slice(100, ["segment", "A", 60], ["segment", "B", 25], ["segment", "C", 5]))).toEqual([
      "segment:C"
    ]);
  });

  it("adds complements until the hidden part reaches the minimum", () => {
    // B, C and D are each below 10 and hold 9 answers together: A (91) is hidden with them.
    expect(
      hiddenOf(slice(100, ["segment", "A", 91], ["segment", "B", 4], ["segment", "C", 2], ["segment", "D", 3]))
    ).toEqual(["segment:A", "segment:B", "segment:C", "segment:D"]);
  });

  it("breaks ties by name, so tables counting the same answers suppress the same cells", () => {
    const cells = slice(
      100,
      ["segment", "Zeta", 30],
      ["segment", "Alpha", 30],
      ["segment", "Mid", 35],
      ["segment", "S", 5]
    );
    expect(hiddenOf(cells)).toEqual(["segment:Alpha", "segment:S"]);
    expect(hiddenOf([...cells].reverse())).toEqual(["segment:Alpha", "segment:S"]);
  });

  it("suppresses the whole slice when the whole sample is below the minimum", () => {
    expect(hiddenOf(slice(8, ["segment", "A", 5], ["segment", "B", 3], ["region", "North", 8]))).toEqual([
      "All:All",
      "region:North",
      "segment:A",
      "segment:B"
    ]);
  });

  it("checks each breakdown on its own, and each slice on its own", () => {
    const cells = [
      ...slice(100, ["segment", "A", 95], ["segment", "B", 5], ["region", "N", 50], ["region", "S", 50]),
      { slice: "w2", breakdown: WHOLE, value: WHOLE, n: 100 },
      { slice: "w2", breakdown: "segment", value: "A", n: 50 },
      { slice: "w2", breakdown: "segment", value: "B", n: 50 }
    ];
    expect(hiddenOf(cells)).toEqual(["segment:A", "segment:B"]);
    expect([...suppressedCells(cells, (c) => c, 10)].every((c) => c.slice === "w1")).toBe(true);
  });

  it("applies only the minimum where no whole is published to subtract from", () => {
    expect(hiddenOf(slice(null, ["segment", "A", 50], ["segment", "B", 5]))).toEqual(["segment:B"]);
  });
});
