import { builder } from '../builder.js';
import { ApiKeyRoleEnum } from './enums.js';

interface ViewerShape {
  name: string;
  role: 'VIEWER' | 'OPERATOR' | 'ADMIN';
}

const ViewerRef = builder.objectRef<ViewerShape>('Viewer').implement({
  description: 'Who is calling: the API key in use and its role (the console hides what the role cannot do).',
  fields: (t) => ({
    name: t.exposeString('name'),
    role: t.field({ type: ApiKeyRoleEnum, resolve: (viewer) => viewer.role }),
  }),
});

builder.queryFields((t) => ({
  viewer: t.field({
    type: ViewerRef,
    authScopes: { viewer: true },
    resolve: (_root, _args, context) => ({ name: context.caller!.name, role: context.caller!.role }),
  }),
}));
