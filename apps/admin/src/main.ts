import urql from '@urql/vue';
import { createApp } from 'vue';
import App from './App.vue';
import './page-layout.css';
import './first-paint/first-paint.css';
import { levelCardHeadings } from './a11y-headings';
import { useSession } from './composables/useSession';
import { i18n, preferredLocale, setLocale } from './i18n';
import { router } from './router';

const { apiClient } = useSession();
// index.html's loader adds this script (build/route-preload.ts), so it may run before the parser has reached
// #app: the app mounts once the document is parsed.
const parsed =
  document.readyState === 'loading'
    ? new Promise((resolve) => document.addEventListener('DOMContentLoaded', resolve, { once: true }))
    : Promise.resolve();
// The language is settled before the first render (Swedish's messages are a chunk of their own), so a
// Swedish user never sees the English page flash by.
void Promise.all([setLocale(preferredLocale()), parsed]).finally(() => {
  createApp(App).use(i18n).use(urql, apiClient).use(router).mount('#app');
  levelCardHeadings(document.body);
});
