// Built by `make webapp` (npm ci, npm run build) into src/nguon/webapp/static/, served by
// Plone at <site>/ung-dung/ (docs/app.md). Paths are relative: the site's root may be /Plone/.
import { defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';
import { fileURLToPath } from 'node:url';

const OUT = fileURLToPath(new URL('../src/nguon/webapp/static/', import.meta.url));

// The style sheet goes into the page itself: on a 3G link each file is one more round trip
// (2 s on DevTools' Slow 3G) before anything can be painted.
function inlineCss() {
  return {
    name: 'nguon-inline-css',
    apply: 'build',
    enforce: 'post',
    generateBundle(_options, bundle) {
      const page = bundle['index.html'];
      for (const [name, file] of Object.entries(bundle)) {
        if (!name.endsWith('.css')) continue;
        const link = new RegExp(`<link rel="stylesheet"[^>]*href="\\./${name.replace(/[.]/g, '\\.')}"[^>]*>`);
        if (!link.test(page.source)) continue;
        page.source = page.source.replace(link, () => `<style>${file.source}</style>`);
        delete bundle[name];
      }
    },
  };
}

export default defineConfig({
  base: './',
  build: {
    outDir: OUT,
    emptyOutDir: true,
    target: 'es2020',
    modulePreload: { polyfill: false },
    reportCompressedSize: true,
  },
  plugins: [
    inlineCss(),
    VitePWA({
      strategies: 'injectManifest',
      srcDir: 'src',
      filename: 'sw.js',
      injectRegister: null,
      registerType: 'autoUpdate',
      injectManifest: {
        globPatterns: ['index.html', 'assets/*.js', 'icons/icon-192.png'],
        minify: true,
      },
      manifest: {
        id: './',
        name: 'Nguồn — Thông tin cơ sở',
        short_name: 'Nguồn',
        description:
          'Thông tin của xã, phường: tin tức, cảnh báo khẩn cấp, tra cứu văn bản, gửi phản ánh.',
        lang: 'vi',
        dir: 'ltr',
        start_url: './',
        scope: './',
        display: 'standalone',
        orientation: 'portrait',
        theme_color: '#9b1c1c',
        background_color: '#ffffff',
        categories: ['news', 'government'],
        icons: [
          { src: 'icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
          { src: 'icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
          {
            src: 'icons/maskable-512.png',
            sizes: '512x512',
            type: 'image/png',
            purpose: 'maskable',
          },
        ],
      },
    }),
  ],
});
