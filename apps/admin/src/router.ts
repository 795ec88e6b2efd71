import { createRouter, createWebHistory } from 'vue-router';
import { prefetchErrorList } from './composables/error-page-queries';
import { useSession } from './composables/useSession';

declare module 'vue-router' {
  interface RouteMeta {
    /** Reachable without an API key. */
    public?: boolean;
    title?: string;
  }
}

// Every page is its own chunk: the first load carries the shell only, charts arrive with the dashboard.
export const router = createRouter({
  history: createWebHistory(),
  routes: [
    { path: '/login', name: 'login', component: () => import('./pages/LoginPage.vue'), meta: { public: true } },
    {
      path: '/',
      component: () => import('./components/shell/ShellLayout.vue'),
      children: [
        {
          path: '',
          name: 'dashboard',
          component: () => import('./pages/DashboardPage.vue'),
          meta: { title: 'Dashboard' },
        },
        {
          path: 'errors',
          name: 'errors',
          component: () => import('./pages/SyncErrorsPage.vue'),
          meta: { title: 'Coupled Data Synchronization Errors' },
          // The list's request leaves while the page's chunks load, not after they ran.
          beforeEnter: (to) => prefetchErrorList(useSession().apiClient.value, to.query),
        },
        {
          path: 'jobs',
          name: 'jobs',
          component: () => import('./pages/SyncJobsPage.vue'),
          meta: { title: 'Sync jobs' },
        },
        {
          path: 'jobs/:id',
          name: 'job',
          component: () => import('./pages/SyncJobDetailPage.vue'),
          meta: { title: 'Sync job' },
        },
        {
          path: 'mappings',
          name: 'mappings',
          component: () => import('./pages/TableMappingsPage.vue'),
          meta: { title: 'Table mappings' },
        },
        {
          path: 'mappings/:id',
          name: 'mapping',
          component: () => import('./pages/TableMappingDetailPage.vue'),
          meta: { title: 'Table mapping' },
        },
        {
          path: 'log',
          name: 'record-log',
          component: () => import('./pages/RecordSyncLogPage.vue'),
          meta: { title: 'Record sync log' },
        },
      ],
    },
    { path: '/:pathMatch(.*)*', redirect: '/' },
  ],
});

router.beforeEach((to) => {
  const { apiKey } = useSession();
  if (!to.meta.public && !apiKey.value) return { name: 'login', query: { redirect: to.fullPath } };
  if (to.name === 'login' && apiKey.value) return { name: 'dashboard' };
  return true;
});

router.afterEach((to) => {
  document.title = to.meta.title ? `${to.meta.title} · Tandem` : 'Tandem';
});
