import urql from '@urql/vue';
import { createApp } from 'vue';
import App from './App.vue';
import './page-layout.css';
import { useSession } from './composables/useSession';
import { router } from './router';

const { apiClient } = useSession();
createApp(App).use(urql, apiClient).use(router).mount('#app');
