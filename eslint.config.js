// Flat config: type-aware strict rules everywhere, plus an import fence that keeps
// the pure core (planner, renderers, spec rules) free of I/O. See docs/architecture.md.
import js from "@eslint/js";
import globals from "globals";
import tseslint from "typescript-eslint";

const IO_MODULES = [
  "node:fs",
  "node:fs/promises",
  "node:http",
  "node:https",
  "node:net",
  "node:child_process",
  "node:process",
  "@ory/client",
  "axios",
];

export default tseslint.config(
  { ignores: ["dist/", "coverage/", "node_modules/", "fixtures/", "test/golden/"] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  ...tseslint.configs.stylisticTypeChecked,
  {
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      eqeqeq: ["error", "always"],
      "@typescript-eslint/consistent-type-imports": "error",
      "@typescript-eslint/no-explicit-any": "error",
      // TypeScript's noPropertyAccessFromIndexSignature wants brackets on index signatures.
      "@typescript-eslint/dot-notation": ["error", { allowIndexSignaturePropertyAccess: true }],
      "@typescript-eslint/switch-exhaustiveness-check": "error",
      "@typescript-eslint/restrict-template-expressions": ["error", { allowNumber: true }],
      "@typescript-eslint/no-unnecessary-condition": ["error", { allowConstantLoopConditions: true }],
      "no-restricted-syntax": [
        "error",
        { selector: "ExportDefaultDeclaration", message: "Use named exports." },
      ],
    },
  },
  {
    // Only the adapter may talk to Ory.
    files: ["src/**/*.ts"],
    ignores: ["src/ory/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        { paths: [{ name: "@ory/client", message: "Only src/ory/ imports @ory/client." }] },
      ],
    },
  },
  {
    // The pure core: values in, values out. No file system, network, process or Ory SDK.
    files: ["src/plan/**/*.ts", "src/render/**/*.ts", "src/spec/rules/**/*.ts", "src/spec/schema/**/*.ts"],
    rules: {
      // Types may cross the fence (a renderer needs the Style type); code may not.
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          paths: IO_MODULES.map((name) => ({
            name,
            message: "The pure core must not do I/O.",
            allowTypeImports: true,
          })),
          patterns: [
            {
              group: ["**/ory/**", "**/state/store*", "**/state/lock*", "**/cli/**", "**/server/**"],
              message: "The pure core must not do I/O.",
              allowTypeImports: true,
            },
          ],
        },
      ],
      "no-restricted-globals": ["error", { name: "process", message: "Pass env/clock in as values." }],
    },
  },
  {
    files: ["**/*.js", "**/*.mjs"],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    // Tool configuration files must default-export.
    files: ["*.config.js", "*.config.ts"],
    rules: { "no-restricted-syntax": "off" },
  },
);
