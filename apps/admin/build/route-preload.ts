import type { Plugin } from 'vite';

/** A route whose chunks index.html starts loading on a direct visit: its path and its lazy modules. */
export interface PreloadedRoute {
  /** `location.pathname` of a direct visit, exactly (no trailing slash). */
  path: string;
  /** The modules the route's `import()`s load, relative to the app's root (`src/pages/SyncErrorsPage.vue`). */
  modules: string[];
}

interface ChunkInfo {
  type: 'chunk';
  fileName: string;
  isEntry: boolean;
  facadeModuleId: string | null;
  imports: string[];
}

/**
 * Route chunks are lazy (router.ts), so on a direct visit the browser learns of them only after the entry
 * has downloaded and run: a second round of requests. This plugin writes into index.html a small inline
 * script that, when the visited path is one of `routes`, adds `<link rel="modulepreload">`s for that route's
 * chunks and their static imports, so they download beside the entry. Other paths load what they loaded
 * before. The file names come from the build's own chunk graph.
 *
 * The same script loads the app itself: vite's entry `<script type="module">` and its `modulepreload` links
 * are taken out of the HTML and added by the script, so that the errors page's first paint
 * (build/first-paint.ts) can ask to go first. When it has sent its two queries it sets
 * `window.__tandemHoldApp` (composables/first-paint-handover.ts), and the app's ~30 files are requested once
 * those answers are in (or after a short cap) instead of beside them: on six connections and the server's
 * one thread, the files had kept the first paint's answer waiting ~100 ms.
 */
export function routePreload(routes: PreloadedRoute[]): Plugin {
  return {
    name: 'tandem-route-preload',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(html, ctx) {
        const bundle = ctx.bundle;
        if (!bundle) return html;
        const chunks = Object.values(bundle).filter((item): item is typeof item & ChunkInfo => item.type === 'chunk');
        const byFile = new Map(chunks.map((chunk) => [chunk.fileName, chunk]));
        const closure = (roots: ChunkInfo[]) => {
          const files = new Set<string>();
          const visit = (chunk: ChunkInfo) => {
            if (files.has(chunk.fileName)) return;
            files.add(chunk.fileName);
            for (const imported of chunk.imports) {
              const next = byFile.get(imported);
              if (next) visit(next);
            }
          };
          for (const root of roots) visit(root);
          return files;
        };
        const initial = closure(chunks.filter((chunk) => chunk.isEntry));
        const files: Record<string, string[]> = {};
        for (const route of routes) {
          const roots = route.modules.map((module) => {
            const chunk = chunks.find((candidate) => candidate.facadeModuleId?.endsWith(`/${module}`));
            if (!chunk) throw new Error(`route-preload: no chunk for ${module} (is it imported lazily?)`);
            return chunk;
          });
          files[route.path] = [...closure(roots)].filter((file) => !initial.has(file)).map((file) => `/${file}`);
        }
        const entries: string[] = [];
        const preloads: string[] = [];
        const rest = html
          .replace(/\s*<script type="module" crossorigin src="([^"]+)"><\/script>/g, (_, src: string) => {
            entries.push(src);
            return '';
          })
          .replace(/\s*<link rel="modulepreload" crossorigin href="([^"]+)">/g, (_, href: string) => {
            preloads.push(href);
            return '';
          });
        if (entries.length === 0) throw new Error('route-preload: no entry script in index.html');
        const script = `(() => {
  const load = () => {
    const files = ${JSON.stringify(preloads)}.concat(${JSON.stringify(files)}[location.pathname.replace(/\\/+$/, '')] ?? []);
    for (const href of files) {
      const link = document.createElement('link');
      link.rel = 'modulepreload';
      link.crossOrigin = '';
      link.href = href;
      document.head.appendChild(link);
    }
    for (const src of ${JSON.stringify(entries)}) {
      const script = document.createElement('script');
      script.type = 'module';
      script.crossOrigin = '';
      script.src = src;
      document.head.appendChild(script);
    }
  };
  const hold = window.__tandemHoldApp;
  if (hold) hold.then(load, load);
  else load();
})();`;
        // At the end of <head>: after the first paint's script, which may set the hold.
        return { html: rest, tags: [{ tag: 'script', children: script, injectTo: 'head' }] };
      },
    },
  };
}
