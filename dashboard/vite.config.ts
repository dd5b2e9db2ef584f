/// <reference types="vitest/config" />
import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

// Dev only: where `npm run dev` forwards /api and /health (a running query-service, or the
// fixture server of e2e/dev-fixtures). The built SPA always calls relative paths on its own origin.
const devApi = process.env.WW_DEV_API ?? "http://127.0.0.1:8082";

export default defineConfig({
  base: "/",
  plugins: [react()],
  build: {
    outDir: "dist",
    sourcemap: false,
    chunkSizeWarningLimit: 1500,
  },
  server: {
    proxy: {
      "/api": { target: devApi, changeOrigin: true },
      "/health": { target: devApi, changeOrigin: true },
    },
  },
  test: {
    include: ["src/**/*.test.ts"],
    environment: "node",
  },
});
