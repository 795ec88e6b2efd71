import { graphql } from './tada';

export const ViewerQuery = graphql(`
  query Viewer {
    viewer { name role }
  }
`);
