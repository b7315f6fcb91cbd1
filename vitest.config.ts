import { defineConfig } from "vitest/config";

// Tests live next to the sources (js/**/*.test.ts). A test that needs a DOM opts in
// with `// @vitest-environment jsdom`; pure functions run in plain node (faster).
export default defineConfig({
  test: {
    include: ["js/**/*.test.ts"],
    environment: "node",
    globals: true,
  },
});
