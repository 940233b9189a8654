/** Which files of the folder are read, and how: plain files straight, the others through their mapping. */
import { CONFIG_FILE, type Config, isSurveyConfig } from "../contract/config.js";
import { SURVEY_FILES } from "../contract/contract.js";
import type { Problem } from "../core/errors.js";
import type { SourceFile } from "./read-source.js";

/** A file read as it is: named after its export, or mapped with no more than its conventions. */
export function isPlain(source: SourceFile): boolean {
  const entry = source.entry;
  return !entry || (entry.format === "csv" && !entry.survey && !entry.lines && Object.keys(entry.rename).length === 0);
}

export function missingFiles(sources: SourceFile[], config: Config | undefined): Problem[] {
  const has = (name: string) => sources.some((s) => s.name === name);
  const problems: Problem[] = [];
  const missing = (name: string, why: string) =>
    problems.push({
      file: `${name}.csv`,
      rule: "missing-file",
      message: `${why}: add ${name}.csv (or ${name}.parquet) to the data folder`
    });
  // A survey alone, or CRM exports without orders, make reports of their own: only an empty folder is an error.
  if (!sources.length) {
    problems.push({
      file: "(data folder)",
      rule: "missing-file",
      message: "the folder holds no export: add orders.csv, customers.csv or a survey's files (docs/data-contract.md)"
    });
  }
  const survey = SURVEY_FILES.filter(has);
  if (survey.length) {
    for (const name of SURVEY_FILES)
      if (!has(name)) missing(name, `${survey[0]} is present, so the survey needs ${name} too`);
    if (!config)
      problems.push({
        file: CONFIG_FILE,
        rule: "missing-file",
        message: "the survey exports need a cva.config.json naming our brand, the competitors and the attributes"
      });
    else if (!isSurveyConfig(config))
      problems.push({
        file: CONFIG_FILE,
        rule: "config",
        message: "the survey exports need brand, competitors and attributes in cva.config.json"
      });
  }
  return problems;
}

/** Lines the CSV reader could not split belong to the file: counted once, with its first export. */
export function isFirstExportOf(source: SourceFile, sources: SourceFile[]): boolean {
  return sources.find((s) => s.fileName === source.fileName) === source;
}
