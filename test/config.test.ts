import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../loaders/contract/config.js";
import { SCHEMA_PATH, schemaText } from "../scripts/config-schema.js";

const minimal = {
  brand: "Us",
  competitors: ["Them"],
  attributes: [{ id: "quality", label: "Quality", group: "quality", owner: "Operations" }]
};

describe("parseConfig(text)", () => {
  it("fills in the documented defaults", () => {
    const config = parseConfig(JSON.stringify(minimal));
    expect(config.minCellSize).toBe(10);
    expect(config.dontKnowCodes).toEqual(["Don't know", "N/A"]);
    expect(config.currency).toBe("USD");
    expect(config.scales.likelihood_to_recommend).toEqual({ min: 0, max: 10 });
    expect(config.scales.repurchase_intent).toEqual({ min: 1, max: 5 });
  });

  it("takes the survey settings all together or not at all", () => {
    expect(parseConfig(JSON.stringify({ churn: { inactiveDays: 90 } })).churn).toEqual({ inactiveDays: 90 });
    expect(() => parseConfig(JSON.stringify({ brand: "Us" }))).toThrow(
      "cva.config.json: competitors: competitors is needed with brand, competitors and attributes: give all three or none [config]"
    );
  });

  it("rejects unknown settings, so a misspelt one is not silently ignored", () => {
    expect(() => parseConfig(JSON.stringify({ ...minimal, minCelSize: 5 }))).toThrow(
      'cva.config.json: Unrecognized key: "minCelSize" [config]'
    );
  });

  it("rejects a scale whose minimum is not below its maximum, and attribute ids that are not identifiers", () => {
    const config = {
      ...minimal,
      scales: { rating: { min: 10, max: 1 } },
      attributes: [{ ...minimal.attributes[0], id: "Product Quality" }]
    };
    expect(() => parseConfig(JSON.stringify(config))).toThrow(
      "cva.config.json: attributes.0.id: use lower-case letters, digits and _, starting with a letter [config]\ncva.config.json: scales.rating: min must be below max [config]"
    );
  });
});

describe("docs/cva.config.schema.json", () => {
  it("is the JSON Schema generated from the config schema (run npm run schema after changing it)", () => {
    expect(readFileSync(SCHEMA_PATH, "utf-8")).toBe(schemaText());
    const schema = JSON.parse(schemaText());
    expect(schema.required ?? []).toEqual([]); // survey settings are needed only with survey exports
    expect(schema.properties.churn.properties.inactiveDays.default).toBe(180);
    expect(schema.properties.attributes.items.properties.group.enum).toEqual(["quality", "price"]);
  });
});
