import { defineConfig } from 'vite';

// The gateway serves dist/ (--web_root) under a CSP without inline scripts or styles, and
// caches a file for a year when its name ends in a hash of 8+ characters with a digit
// (gateway/static_files.cc): hexadecimal hashes always fit that rule, base64url ones with a
// '-' inside would not.
export default defineConfig({
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    target: 'es2020',
    modulePreload: { polyfill: false },
    rollupOptions: {
      output: {
        hashCharacters: 'hex',
        entryFileNames: 'assets/[name]-[hash].js',
        chunkFileNames: 'assets/[name]-[hash].js',
        assetFileNames: 'assets/[name]-[hash][extname]',
      },
    },
  },
  server: {
    // `npx vite` for development, against a stack started by deploy/local/up.sh.
    proxy: { '/v1': 'http://127.0.0.1:8080', '/openapi.json': 'http://127.0.0.1:8080' },
  },
});
