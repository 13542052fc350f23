/// <reference types="vitest/config" />
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

const gateway = process.env.GRIDCARE_GATEWAY_URL ?? "http://127.0.0.1:8000";

export default defineConfig({
  plugins: [react()],
  server: {
    proxy: { "/api": gateway, "/auth": gateway, "/.well-known": gateway },
  },
  build: { outDir: "dist", sourcemap: true, chunkSizeWarningLimit: 1200 },
  test: { environment: "node" },
});
