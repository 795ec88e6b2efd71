// Table mappings: the nested form the config file and the API speak, its one mapper to the stored rows,
// the rules and filter checks, the patch an admin sends, and the form the engine runs on.
export * from './mapping-input-check.js';
export * from './record-filter-check.js';
export * from './resolved-mapping.js';
export * from './table-filter-check.js';
export * from './table-mapping.mapper.js';
export * from './table-mapping.repository.js';
export * from './table-mapping-input.js';
export * from './table-mapping-patch.js';
export * from './transforms.js';
export * from './update-table-mapping.js';
