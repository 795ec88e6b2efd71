import { fileURLToPath } from 'node:url';
import { build, type Plugin, runnerImport } from 'vite';

const ENTRY = fileURLToPath(new URL('../src/first-paint/errors-first-paint.ts', import.meta.url));
const DATA_SOURCE = fileURLToPath(new URL('./first-paint-data.ts', import.meta.url));
const DATA_MODULE = 'virtual:first-paint-data';

/** Script text made safe inside <script>…</script>: no end tag, comment or nested script opener. */
function inlineSafe(code: string): string {
  return code.replace(/<(\/?script|!--)/gi, '\\x3C$1');
}

/**
 * Inlines the errors page's first paint (src/first-paint/errors-first-paint.ts) into index.html's <head>:
 * built here on its own, as one small IIFE with what it imports (the filter's variables, the columns, the
 * hand-over of early answers) and a data module made in Node from the app's own sources — the queries as the
 * app's client prints them, so the app's requests match the early ones, and the few messages it shows.
 * Inline rather than a file of its own: it runs while the parser reads <head>, with no request to wait for.
 */
export function errorsFirstPaint(): Plugin {
  return {
    name: 'tandem-errors-first-paint',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      async handler(html) {
        // Through vite's module runner: the data module imports the app's TypeScript sources, which the
        // config's own loader is not meant to read.
        const { module } = await runnerImport<typeof import('./first-paint-data')>(DATA_SOURCE);
        const data = module.firstPaintDataModule();
        const output = await build({
          configFile: false,
          logLevel: 'warn',
          publicDir: false,
          plugins: [
            {
              name: 'first-paint-data',
              resolveId: (id) => (id === DATA_MODULE ? `\0${DATA_MODULE}` : null),
              load: (id) => (id === `\0${DATA_MODULE}` ? data : null),
            },
          ],
          build: {
            write: false,
            minify: true,
            target: 'es2022',
            lib: { entry: ENTRY, formats: ['iife'], name: 'tandemFirstPaint', fileName: () => 'first-paint.js' },
          },
        });
        const results = Array.isArray(output) ? output : [output];
        const chunk = results
          .flatMap((result) => ('output' in result ? result.output : []))
          .find((item) => item.type === 'chunk');
        if (chunk?.type !== 'chunk') throw new Error('first-paint: the build produced no script');
        return { html, tags: [{ tag: 'script', children: inlineSafe(chunk.code), injectTo: 'head-prepend' }] };
      },
    },
  };
}
