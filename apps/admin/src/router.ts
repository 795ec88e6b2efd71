import { createRouter, createWebHistory, type RouteMeta } from 'vue-router';
import { prefetchErrorList } from './composables/error-page-queries';
import { endFirstPaint } from './composables/first-paint-handover';
import { useSession } from './composables/useSession';
import { type MessageSchema, t } from './i18n';

declare module 'vue-router' {
  interface RouteMeta {
    /** Reachable without an API key. */
    public?: boolean;
    /** The page's name in the message files (`shell.titles.…`), for the window title. */
    title?: keyof MessageSchema['shell']['titles'];
  }
}

// Every page is its own chunk: the first load carries the shell only, charts arrive with the dashboard.
export const router = createRouter({
  history: createWebHistory(),
  routes: [
    {
      path: '/login',
      name: 'login',
      component: () => import('./pages/LoginPage.vue'),
      meta: { public: true, title: 'login' },
    },
    {
      path: '/',
      component: () => import('./components/shell/ShellLayout.vue'),
      children: [
        {
          path: '',
          name: 'dashboard',
          component: () => import('./pages/DashboardPage.vue'),
          meta: { title: 'dashboard' },
        },
        {
          path: 'errors',
          name: 'errors',
          component: () => import('./pages/SyncErrorsPage.vue'),
          meta: { title: 'errors' },
          // The list's request leaves while the page's chunks load, not after they ran.
          beforeEnter: (to) => prefetchErrorList(useSession().apiClient.value, to.query),
        },
        {
          path: 'jobs',
          name: 'jobs',
          component: () => import('./pages/SyncJobsPage.vue'),
          meta: { title: 'jobs' },
        },
        {
          path: 'jobs/:id',
          name: 'job',
          component: () => import('./pages/SyncJobDetailPage.vue'),
          meta: { title: 'job' },
        },
        {
          path: 'mappings',
          name: 'mappings',
          component: () => import('./pages/TableMappingsPage.vue'),
          meta: { title: 'mappings' },
        },
        {
          path: 'mappings/:id',
          name: 'mapping',
          component: () => import('./pages/TableMappingDetailPage.vue'),
          meta: { title: 'mapping' },
        },
        {
          path: 'api-keys',
          name: 'api-keys',
          component: () => import('./pages/ApiKeysPage.vue'),
          meta: { title: 'apiKeys' },
        },
        {
          path: 'alerts',
          name: 'alerts',
          component: () => import('./pages/AlertsPage.vue'),
          meta: { title: 'alerts' },
        },
        {
          path: 'log',
          name: 'record-log',
          component: () => import('./pages/RecordSyncLogPage.vue'),
          meta: { title: 'recordLog' },
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

/** The window title of a route, in the console's language. */
export function windowTitle(title: RouteMeta['title']): string {
  return title ? `${t(`shell.titles.${title}`)} · Tandem` : 'Tandem';
}

router.afterEach((to) => {
  document.title = windowTitle(to.meta.title);
  // The errors page's first paint is that page's alone: anywhere else (a redirect to sign in, a link
  // followed before the list arrived) the app shows at once. On the errors page its list ends it.
  if (to.name !== 'errors') endFirstPaint();
});
