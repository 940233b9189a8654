import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";

export interface PiiScan {
  filesScanned: number;
  /** "file: kind value" for every personal value found. */
  hits: string[];
}

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
const PHONE = /\+?[\d(][\d\s().-]{5,}\d/g;
const CAPITALISED_RUN = /\p{Lu}[\p{Ll}'’-]+(?:[ \u00a0]+\p{Lu}[\p{Ll}'’-]+)+/gu;
const digits = (text: string) => text.replace(/\D/g, "");

/**
 * Every file under `dir` searched for the given names, emails and phone numbers. Rather than
 * 15,000 substring searches per file, candidates are extracted (email-like tokens, runs of
 * digits, runs of capitalised words) and looked up: emails in any case, phones by their
 * digits (whatever the punctuation), names as any two or more adjacent capitalised words.
 */
export function findPii(dir: string, names: string[], emails: string[], phones: string[]): PiiScan {
  const nameSet = new Set(names.map((n) => n.trim().replace(/\s+/g, " ")).filter(Boolean));
  const emailSet = new Set(emails.map((e) => e.trim().toLowerCase()).filter(Boolean));
  const phoneDigits = new Set(phones.map(digits).filter((d) => d.length >= 7));
  const phoneLengths = [...new Set([...phoneDigits].map((d) => d.length))];
  const hits: string[] = [];
  let filesScanned = 0;
  const visit = (path: string) => {
    if (statSync(path).isDirectory()) return readdirSync(path).forEach((name) => visit(join(path, name)));
    ++filesScanned;
    const text = readFileSync(path, "utf-8");
    const file = relative(dir, path);
    for (const [email] of text.matchAll(EMAIL))
      if (emailSet.has(email.toLowerCase())) hits.push(`${file}: email ${email}`);
    for (const [run] of text.matchAll(PHONE)) {
      const d = digits(run);
      for (const length of phoneLengths) {
        for (let i = 0; i + length <= d.length; ++i)
          if (phoneDigits.has(d.slice(i, i + length))) hits.push(`${file}: phone ${run.trim()}`);
      }
    }
    for (const [run] of text.matchAll(CAPITALISED_RUN)) {
      const words = run.split(/[ \u00a0]+/);
      for (let i = 0; i < words.length; ++i) {
        for (let j = i + 2; j <= words.length; ++j) {
          const candidate = words.slice(i, j).join(" ");
          if (nameSet.has(candidate)) hits.push(`${file}: name ${candidate}`);
        }
      }
    }
  };
  visit(dir);
  return { filesScanned, hits };
}
