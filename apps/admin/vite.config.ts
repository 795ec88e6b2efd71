import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vite';
import { errorsFirstPaint } from './build/first-paint.js';
import { routePreload } from './build/route-preload.js';

// In development the API runs on its own port (`tandem start`, 4000 by default); the proxy keeps the
// console same-origin as in production, where the API serves the built files itself.
const api = process.env.TANDEM_API_URL ?? 'http://localhost:4000';

export default defineConfig({
  plugins: [
    vue(),
    // A direct visit to the errors page loads its chunks beside the entry, not after it has run.
    routePreload([
      { path: '/errors', modules: ['src/components/shell/ShellLayout.vue', 'src/pages/SyncErrorsPage.vue'] },
    ]),
    // A direct visit to the errors page draws its first rows before the app has loaded (src/first-paint).
    errorsFirstPaint(),
  ],
  server: { proxy: { '/graphql': { target: api, ws: true } } },
  // One stylesheet for the whole console (≈ 17 kB, ≈ 4 kB gzipped), linked by index.html: with a stylesheet
  // per chunk, a route's import() waited for its stylesheets to load before it even requested its script.
  build: { target: 'es2022', sourcemap: false, chunkSizeWarningLimit: 1200, cssCodeSplit: false },
  // vue-i18n's feature flags: the Composition API only (no legacy API, no global $t install), no devtools.
  define: {
    __VUE_I18N_FULL_INSTALL__: false,
    __VUE_I18N_LEGACY_API__: false,
    __INTLIFY_PROD_DEVTOOLS__: false,
  },
});
