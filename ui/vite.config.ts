import { defineConfig } from 'vite';

// index.html is served at "/" and every other file under "/static-files/" (as MLflow's server does;
// src/server/http/static_site.h). Relative URLs keep the UI working behind a path prefix.
export default defineConfig(({ command }) => ({
  base: command === 'build' ? './' : '/',
  experimental: {
    // index.html sits at "/", its scripts under "/static-files/"; files loaded from JS or CSS
    // resolve relative to their importer, which already lives under /static-files/.
    renderBuiltUrl(filename: string, { hostType }: { hostType: 'js' | 'css' | 'html' }) {
      return hostType === 'html' ? `./static-files/${filename}` : { relative: true };
    },
  },
  publicDir: 'public',
  esbuild: { jsx: 'automatic' },
  build: {
    target: 'es2020',
    assetsDir: 'assets',
    chunkSizeWarningLimit: 1024,
    sourcemap: false,
  },
  server: {
    // `npm run dev` against a running server: MLFLOW_CPP_URL=http://127.0.0.1:5000 npm run dev
    proxy: {
      '/ajax-api': process.env.MLFLOW_CPP_URL ?? 'http://127.0.0.1:5000',
      '/get-artifact': process.env.MLFLOW_CPP_URL ?? 'http://127.0.0.1:5000',
      '/model-versions/get-artifact': process.env.MLFLOW_CPP_URL ?? 'http://127.0.0.1:5000',
    },
  },
}));
