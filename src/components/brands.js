// One colour per brand on every page: ours first in a strong blue, competitors from a
// colour-blind-safe palette (Okabe & Ito 2008).
const OURS = "#0b63ce";
const COMPETITORS = ["#e69f00", "#009e73", "#cc79a7", "#d55e00", "#56b4e9", "#999999", "#f0e442"];

/** A Plot color scale option mapping each brand of the config to its colour. */
export function brandColors(config) {
  const brands = [config.brand, ...config.competitors];
  return {
    domain: brands,
    range: brands.map((_, i) => (i === 0 ? OURS : COMPETITORS[(i - 1) % COMPETITORS.length])),
    legend: true
  };
}

/** Okabe & Ito's colour-blind-safe palette, for categories that are not brands. */
export const CATEGORICAL = ["#0072b2", "#e69f00", "#009e73", "#cc79a7", "#d55e00", "#56b4e9", "#999999", "#f0e442"];
