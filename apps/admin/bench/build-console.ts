import { fileURLToPath } from 'node:url';
import { build } from 'vite';

/** apps/admin: vite reads its vite.config.ts from here, as `vite build` run in this folder does. */
export const ADMIN_ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * `vite build --outDir <outDir>` through vite's API: the production build as shipped, written to the
 * caller's temporary folder (never apps/admin/dist, which other work's e2e tests serve).
 */
export async function buildConsole(outDir: string, options: { manifest?: boolean } = {}): Promise<void> {
  await build({
    root: ADMIN_ROOT,
    logLevel: 'warn',
    // The manifest (`.vite/manifest.json`) only lists the chunks; the built files are the same without it.
    build: { outDir, emptyOutDir: true, manifest: options.manifest ?? false },
  });
}
