/**
 * What each quarterly review said when it was first published, kept beside the exports so that
 * it survives rebuilds and new machines: `npm run build` records the figures of every complete
 * quarter not yet recorded, once the site is in place, and every later build compares the
 * quarter's figures with them. Figures are computed as of the quarter's close, so a difference
 * means the exports restated the quarter (rows dated up to the close were added, removed or
 * corrected), or, for the customer base value, that the lifetime value model changed.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { PUBLISHED_DIR } from "../contract/config.js";
import { CvaError } from "../core/errors.js";

/** The snapshot, inside the data folder. */
export const PUBLISHED_FILE = join(PUBLISHED_DIR, "quarters.json");

const FigureSchema = z
  .object({
    quarter: z.string().regex(/^\d{4}-Q[1-4]$/, "a quarter is written YYYY-Qn"),
    kpi: z.string().min(1),
    unit: z.string().min(1),
    value: z.number().nullable(),
    /** The lifetime value model behind a customer base value. */
    model: z.string().nullable(),
    /** The date of the exports' last order (or response) when the figure was published. */
    exportsAsOf: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "a date is written YYYY-MM-DD"),
    publishedAt: z.string().min(1)
  })
  .strict();

const SnapshotSchema = z
  .object({
    about: z.string().optional(),
    figures: z.array(FigureSchema)
  })
  .strict();

export type PublishedFigure = z.infer<typeof FigureSchema>;

/** The kpis table's columns this module reads. */
export interface QuarterFigure {
  quarter: string;
  kpi: string;
  unit: string;
  value: number | null;
  complete: boolean;
}

/** The snapshot of a data folder: empty before its first build. A broken file stops with its path and the rule. */
export function readPublished(dataDir: string): PublishedFigure[] {
  const file = join(dataDir, PUBLISHED_FILE);
  if (!existsSync(file)) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, "utf-8"));
  } catch (error) {
    throw new CvaError(`${file}: not JSON (${(error as Error).message}); restore it, or delete it to publish afresh`);
  }
  const result = SnapshotSchema.safeParse(parsed);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new CvaError(
      `${file}: ${issue.path.join(".") || "(top level)"}: ${issue.message}; restore it, or delete it to publish afresh`
    );
  }
  return result.data.figures;
}

/**
 * The customer base value comes from refitted models, whose optimizer stops within a tolerance
 * (see customerBaseValue): differences below this share are the optimizer's, not the data's.
 */
export const MODEL_FIGURE_TOLERANCE = 0.005;

/** Whether a figure moved since it was published: exactly, except for the model-based base value. */
export function isRestated(published: PublishedFigure, current: number | null, model: string | null): boolean {
  if (published.value === null || current === null) return published.value !== current;
  if (published.kpi !== "clv") return published.value !== current;
  if (published.model !== model) return true;
  return Math.abs(current - published.value) > MODEL_FIGURE_TOLERANCE * Math.abs(published.value);
}

export interface Restatement {
  quarter: string;
  kpi: string;
  published: number | null;
  published_as_of: string;
  published_model: string | null;
  current: number | null;
  current_as_of: string | null;
  current_model: string | null;
  restated: boolean;
}

/** Each published figure against the same figure computed from today's exports. */
export function restatementsOf(
  kpis: readonly QuarterFigure[],
  published: readonly PublishedFigure[],
  asOf: string | null,
  clvModel: string | null
): Restatement[] {
  return published.map((figure) => {
    const row = kpis.find((k) => k.quarter === figure.quarter && k.kpi === figure.kpi);
    const current = row?.value ?? null;
    const model = figure.kpi === "clv" ? clvModel : null;
    return {
      quarter: figure.quarter,
      kpi: figure.kpi,
      published: figure.value,
      published_as_of: figure.exportsAsOf,
      published_model: figure.model,
      current,
      current_as_of: asOf,
      current_model: model,
      restated: isRestated(figure, current, model)
    };
  });
}

/**
 * Adds the figures of every complete quarter the snapshot does not hold yet (a partial quarter
 * waits for its close). Written whole to a temporary file and renamed, so a reader never sees
 * half of it. Returns how many figures were added.
 */
export function recordPublished(
  dataDir: string,
  kpis: readonly QuarterFigure[],
  { asOf, clvModel, now = new Date() }: { asOf: string | null; clvModel: string | null; now?: Date }
): number {
  if (!asOf) return 0;
  const figures = readPublished(dataDir);
  const held = new Set(figures.map((f) => `${f.quarter} ${f.kpi}`));
  const added = kpis
    .filter((k) => k.complete && k.value !== null && !held.has(`${k.quarter} ${k.kpi}`))
    .map((k): PublishedFigure => ({
      quarter: k.quarter,
      kpi: k.kpi,
      unit: k.unit,
      value: k.value,
      model: k.kpi === "clv" ? clvModel : null,
      exportsAsOf: asOf,
      publishedAt: now.toISOString()
    }));
  if (!added.length) return 0;
  const snapshot = {
    about:
      "The figures of each quarterly review as first published (npm run build). Kept so that later exports show a restated quarter beside what was published; delete an entry to publish it afresh.",
    figures: [...figures, ...added].sort((a, b) => a.quarter.localeCompare(b.quarter) || a.kpi.localeCompare(b.kpi))
  };
  const file = join(dataDir, PUBLISHED_FILE);
  mkdirSync(join(dataDir, PUBLISHED_DIR), { recursive: true });
  // A temporary name of this process's own: two builds of one folder never share one.
  const temporary = `${file}.${process.pid}.${Date.now()}.tmp`;
  writeFileSync(temporary, JSON.stringify(snapshot, null, 2) + "\n");
  renameSync(temporary, file);
  return added.length;
}
