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
// The language is settled before the first render (Swedish's messages are a chunk of their own), so a
// Swedish user never sees the English page flash by.
void setLocale(preferredLocale()).finally(() => {
  createApp(App).use(i18n).use(urql, apiClient).use(router).mount('#app');
  levelCardHeadings(document.body);
});
