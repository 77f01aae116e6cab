// @ts-check
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["build/", "dist/", "node_modules/", "src/model/generated/"] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      "@typescript-eslint/no-floating-promises": [
        "error",
        {
          // node:test tracks the promises its describe/it return.
          allowForKnownSafeCalls: [
            { from: "package", package: "node:test", name: ["describe", "it", "test", "suite"] },
          ],
        },
      ],
      "@typescript-eslint/no-misused-promises": "error",
      "@typescript-eslint/restrict-template-expressions": ["error", { allowNumber: true }],
      "@typescript-eslint/consistent-type-imports": "error",
    },
  },
  {
    // Only entry points touch the process (DESIGN.md, STYLE.md 4.3).
    files: ["src/**/*.ts"],
    ignores: ["src/cli/**", "src/action/**", "src/serve/**"],
    rules: {
      "no-restricted-globals": [
        "error",
        { name: "process", message: "only entry points (cli, action, serve) touch the process" },
      ],
      "no-restricted-imports": [
        "error",
        {
          paths: [{ name: "node:process", message: "only entry points touch the process" }],
          patterns: ["@actions/*"],
        },
      ],
    },
  },
  {
    // The Actions toolkit belongs to the Action alone: the CLI and the
    // scheduled runner must never call an Actions-only API.
    files: ["src/cli/**/*.ts", "src/serve/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        { patterns: [{ group: ["@actions/*"], message: "only src/action may use @actions/*" }] },
      ],
    },
  },
  { files: ["eslint.config.js"], ...tseslint.configs.disableTypeChecked },
);
