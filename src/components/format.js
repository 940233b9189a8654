// Number formats shared by every page, so a figure reads the same wherever it appears.

const compactMoney = new Intl.NumberFormat("en-US", {style: "currency", currency: "USD", notation: "compact", minimumFractionDigits: 0, maximumFractionDigits: 1});
const wholeNumber = new Intl.NumberFormat("en-US", {maximumFractionDigits: 0});

/** $62.3M, $540K: money for headlines, where cents are noise. */
export function formatMoney(value) {
  return value == null ? "–" : compactMoney.format(value);
}

/** 4,829 */
export function formatCount(value) {
  return value == null ? "–" : wholeNumber.format(value);
}

/** 31 December 2025 */
export function formatDate(isoDate) {
  return new Date(`${isoDate}T00:00:00Z`).toLocaleDateString("en-GB", {day: "numeric", month: "long", year: "numeric", timeZone: "UTC"});
}
