// ESLint: the recommended rules of ESLint and typescript-eslint, zero warnings allowed, and our
// own import-cycle rule over the project's import graph (static and dynamic imports alike).
import js from "@eslint/js";
import globals from "globals";
import tseslint from "typescript-eslint";
// TypeScript, loaded through tsx: `npm run lint` runs ESLint with `--import tsx`.
import noImportCycle from "./scripts/eslint/no-import-cycle.ts";

export default tseslint.config(
  {
    ignores: [
      "dist/**",
      "dist.next/**",
      "node_modules/**",
      "src/.observablehq/**",
      "test/fixtures/**",
      "test/golden/**",
      "test/artifacts/**",
      "bench/results/**",
      ".cva/**"
    ]
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    plugins: { cva: { rules: { "no-import-cycle": noImportCycle } } },
    rules: { "cva/no-import-cycle": "error", "no-duplicate-imports": "error" }
  },
  {
    // Tests read tables' rows, whose shape is the table's, and run page functions over browser
    // globals (they compile without the DOM library): `any` is the honest type there.
    files: ["test/**/*.ts"],
    rules: { "@typescript-eslint/no-explicit-any": "off" }
  },
  { files: ["src/components/**/*.js"], languageOptions: { globals: { ...globals.browser } } }
);
