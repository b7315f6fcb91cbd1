// Vite/vitest `?raw` imports (tests read lime_widget/export_bootstrap.js as text).
declare module "*?raw" {
  const text: string;
  export default text;
}
