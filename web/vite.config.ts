// Builds the single-page app into dist/, which `callbase serve --web dist` serves at /.
// Everything is bundled (no CDN, no external fonts); asset paths are relative so the
// files work from any directory the server is given.
import { defineConfig } from 'vite';

export default defineConfig({
    base: './',
    oxc: {
        jsx: { runtime: 'automatic', importSource: 'preact' },
    },
    build: {
        outDir: 'dist',
        emptyOutDir: true,
        target: 'es2022',
        sourcemap: false,
        chunkSizeWarningLimit: 300,
    },
    server: {
        // `npm run dev` against a local `callbase serve --listen 127.0.0.1:8080`.
        proxy: { '/api': { target: 'http://127.0.0.1:8080', ws: true } },
    },
});
