// Number formats shared by every page, so a figure reads the same wherever it appears.

const wholeNumber = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });
const formats = new Map();

/** Intl's formatter of money in `currency` (the config's, an ISO 4217 code), made once. */
function moneyFormatter(currency, compact) {
  const key = `${currency}:${compact}`;
  if (!formats.has(key)) {
    formats.set(
      key,
      new Intl.NumberFormat("en-US", {
        style: "currency",
        currency,
        currencyDisplay: "symbol",
        ...(compact
          ? { notation: "compact", minimumFractionDigits: 0, maximumFractionDigits: 1 }
          : { maximumFractionDigits: 0 })
      })
    );
  }
  return formats.get(key);
}

/** $62.3M, €540K, MX$1.2M: money for headlines, where cents are noise, in the reports' currency. */
export function formatMoney(value, currency = "USD") {
  return value == null ? "–" : moneyFormatter(currency, true).format(value);
}

/** A formatter of whole amounts in the reports' currency: $1,235, €1,235, COP 1,235. */
export function moneyFormat(currency = "USD") {
  const format = moneyFormatter(currency, false);
  return (value) => (value == null ? "" : format.format(value));
}

/** 4,829 */
export function formatCount(value) {
  return value == null ? "–" : wholeNumber.format(value);
}

/** 31 December 2025; "–" when there is no date. */
export function formatDate(isoDate) {
  if (!isoDate) return "–";
  return new Date(`${isoDate}T00:00:00Z`).toLocaleDateString("en-GB", {
    day: "numeric",
    month: "long",
    year: "numeric",
    timeZone: "UTC"
  });
}
