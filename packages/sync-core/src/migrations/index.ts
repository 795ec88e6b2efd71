import { Migration20261126000000_initial } from './Migration20261126000000_initial.js';
import { Migration20261126010000_api_keys } from './Migration20261126010000_api_keys.js';
import { Migration20261126020000_coupling_attention_index } from './Migration20261126020000_coupling_attention_index.js';
import { Migration20261126030000_error_message_pattern } from './Migration20261126030000_error_message_pattern.js';
import { Migration20261126040000_job_history_indexes } from './Migration20261126040000_job_history_indexes.js';
import { Migration20261126050000_log_retention_by_id } from './Migration20261126050000_log_retention_by_id.js';
import { Migration20261126060000_coupling_fillfactor } from './Migration20261126060000_coupling_fillfactor.js';
import { Migration20261201000000_api_key_expiry } from './Migration20261201000000_api_key_expiry.js';
import { Migration20261201010000_structured_filters } from './Migration20261201010000_structured_filters.js';
import { Migration20261201030000_alerts } from './Migration20261201030000_alerts.js';
import { Migration20261201050000_delta_token } from './Migration20261201050000_delta_token.js';
import { Migration20261202000000_job_rerun } from './Migration20261202000000_job_rerun.js';

/** Every migration in order. Listed by hand so that the build output needs no folder scan. */
export const MIGRATIONS = [
  { name: 'Migration20261126000000_initial', class: Migration20261126000000_initial },
  { name: 'Migration20261126010000_api_keys', class: Migration20261126010000_api_keys },
  {
    name: 'Migration20261126020000_coupling_attention_index',
    class: Migration20261126020000_coupling_attention_index,
  },
  { name: 'Migration20261126030000_error_message_pattern', class: Migration20261126030000_error_message_pattern },
  { name: 'Migration20261126040000_job_history_indexes', class: Migration20261126040000_job_history_indexes },
  { name: 'Migration20261126050000_log_retention_by_id', class: Migration20261126050000_log_retention_by_id },
  { name: 'Migration20261126060000_coupling_fillfactor', class: Migration20261126060000_coupling_fillfactor },
  { name: 'Migration20261201000000_api_key_expiry', class: Migration20261201000000_api_key_expiry },
  { name: 'Migration20261201010000_structured_filters', class: Migration20261201010000_structured_filters },
  { name: 'Migration20261201030000_alerts', class: Migration20261201030000_alerts },
  { name: 'Migration20261201050000_delta_token', class: Migration20261201050000_delta_token },
  { name: 'Migration20261202000000_job_rerun', class: Migration20261202000000_job_rerun },
];
