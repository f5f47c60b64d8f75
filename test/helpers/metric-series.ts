/**
 * The metrics contract of SPEC §4: every Prometheus series name the gateway exports, exactly as
 * scraped from its metrics port. test/e2e/metrics.test.ts asserts a scrape equals this list;
 * test/e2e/prometheus-dashboard.test.ts checks the shipped Grafana dashboard uses only these
 * names; the README's "Metrics reference" lists the same names.
 */

/**
 * Every series name the gateway exports, exactly as Prometheus scrapes it (the OpenTelemetry
 * Prometheus exporter's naming: dots → underscores, counters get `_total`, histograms
 * `_bucket`/`_sum`/`_count`, no unit suffix). The contract of SPEC §4.
 */
export const PINNED_SERIES = [
  'gen_ai_client_token_usage_bucket',
  'gen_ai_client_token_usage_count',
  'gen_ai_client_token_usage_sum',
  'gen_ai_server_request_duration_bucket',
  'gen_ai_server_request_duration_count',
  'gen_ai_server_request_duration_sum',
  'gen_ai_server_time_per_output_token_bucket',
  'gen_ai_server_time_per_output_token_count',
  'gen_ai_server_time_per_output_token_sum',
  'gen_ai_server_time_to_first_token_bucket',
  'gen_ai_server_time_to_first_token_count',
  'gen_ai_server_time_to_first_token_sum',
  'switchyard_backend_up',
  'switchyard_config_reloads_total',
  'switchyard_generation_tokens_per_second_bucket',
  'switchyard_generation_tokens_per_second_count',
  'switchyard_generation_tokens_per_second_sum',
  'switchyard_journal_dropped_total',
  'switchyard_overhead_bucket',
  'switchyard_overhead_count',
  'switchyard_overhead_sum',
  'switchyard_requests_active',
  'switchyard_requests_total',
  'switchyard_route_attempts_total',
  'switchyard_spend_usd_total',
  'switchyard_upstream_errors_total',
  'target_info',
] as const;

/** Pinned series the traffic of metrics.test.ts cannot produce (no config reload, no journal backlog, no pricing). */
export const NOT_PRODUCED_BY_TRAFFIC = new Set([
  'switchyard_config_reloads_total',
  'switchyard_journal_dropped_total',
  'switchyard_spend_usd_total',
]);

/** The metric families (`# TYPE` lines) and their Prometheus types. */
export const PINNED_FAMILIES: Record<string, string> = {
  gen_ai_client_token_usage: 'histogram',
  gen_ai_server_request_duration: 'histogram',
  gen_ai_server_time_per_output_token: 'histogram',
  gen_ai_server_time_to_first_token: 'histogram',
  switchyard_backend_up: 'gauge',
  switchyard_config_reloads_total: 'counter',
  switchyard_generation_tokens_per_second: 'histogram',
  switchyard_journal_dropped_total: 'counter',
  switchyard_overhead: 'histogram',
  switchyard_requests_active: 'gauge',
  switchyard_requests_total: 'counter',
  switchyard_route_attempts_total: 'counter',
  switchyard_spend_usd_total: 'counter',
  switchyard_upstream_errors_total: 'counter',
  target_info: 'gauge',
};
