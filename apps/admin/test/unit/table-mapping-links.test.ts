import { describe, expect, it } from 'vitest';
import { filterFromQuery } from '../../src/composables/error-filter';
import { jobFilterFromQuery } from '../../src/composables/job-filter';
import { mappingErrorsLink, mappingJobsLink } from '../../src/composables/table-mapping-links';

type Query = Record<string, string>;

describe("links to a mapping's errors and jobs", () => {
  it("open the errors page narrowed to the mapping's open errors, as that page reads its URL", () => {
    const link = mappingErrorsLink('VGFibGVNYXBwaW5nOjI=') as { name: string; query: Query };
    expect(link.name).toBe('errors');
    const state = filterFromQuery(link.query);
    expect(state.mappingId).toBe('VGFibGVNYXBwaW5nOjI=');
    expect(state.status).toBe('OPEN');
    expect(state.kinds).toEqual([]);
  });

  it('open the jobs page narrowed to the mapping', () => {
    const link = mappingJobsLink('VGFibGVNYXBwaW5nOjI=') as { name: string; query: Query };
    expect(link.name).toBe('jobs');
    expect(jobFilterFromQuery(link.query)).toMatchObject({ mappingId: 'VGFibGVNYXBwaW5nOjI=', statuses: [], page: 1 });
  });
});
