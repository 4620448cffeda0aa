/**
 * SLO alerting for one model as Prometheus rule groups: multi-window, multi-burn-rate alerts (the SRE workbook's
 * recipe) on availability and on latency. Pure data, so tests can hand it to a real `promtool`.
 */
import { METRIC_REQUESTS, METRIC_REQUEST_DURATION, OUTCOME_SUCCESS } from "./server-contract.ts";
import { ArgumentError } from "./errors.ts";

export interface SloRuleArgs {
  namespace: string;
  model: string;
  /** Percent, e.g. 99.9. */
  availability: number;
  latencyThresholdSeconds: number;
  /** Percent of requests that must finish within the threshold. */
  latencyTarget: number;
}

export interface RuleGroup {
  name: string;
  interval?: string;
  rules: Array<Record<string, unknown>>;
}

/** Outcomes that are the client's fault (400, 404, 413) spend no error budget. */
export const CLIENT_OUTCOMES = ["client_error", "not_found"];

/** [long window, short window, burn rate, severity]: page fast and slow burns, ticket the slow leak. */
const BURN_WINDOWS: Array<[string, string, number, "critical" | "warning"]> = [
  ["1h", "5m", 14.4, "critical"],
  ["6h", "30m", 6, "critical"],
  ["1d", "2h", 3, "warning"],
];

export const WINDOWS = [...new Set(BURN_WINDOWS.flatMap(([long, short]) => [long, short]))];

export function errorRatioRecord(window: string): string {
  return `modelplane:slo_availability_errors:ratio_rate${window}`;
}

export function latencyRatioRecord(window: string): string {
  return `modelplane:slo_latency_slow:ratio_rate${window}`;
}

/**
 * The bucket of the latency threshold. The server (prom-client) writes `le` the way JavaScript prints numbers
 * (0.25, 1, 2.5); Prometheus 3 normalises whole numbers on ingestion (`le="1"` is stored as `le="1.0"`), while
 * Prometheus 2 keeps them as scraped. A whole-second threshold matches either form.
 */
export function leMatcher(seconds: number): string {
  const printed = String(seconds);
  return Number.isInteger(seconds) ? `le=~"${printed}|${printed}[.]0"` : `le="${printed}"`;
}

export function sloRuleGroups(a: SloRuleArgs): RuleGroup[] {
  validate(a);
  const sel = `namespace="${a.namespace}",model="${a.model}"`;
  const good = [OUTCOME_SUCCESS, ...CLIENT_OUTCOMES].join("|");
  const labels = { namespace: a.namespace, model: a.model };

  const records: Array<Record<string, unknown>> = [];
  for (const w of WINDOWS) {
    records.push({
      record: errorRatioRecord(w),
      expr:
        `sum(rate(${METRIC_REQUESTS}{${sel},outcome!~"${good}"}[${w}]))` +
        ` / clamp_min(sum(rate(${METRIC_REQUESTS}{${sel}}[${w}])), 1e-9)`,
      labels,
    });
    records.push({
      record: latencyRatioRecord(w),
      expr:
        `1 - sum(rate(${METRIC_REQUEST_DURATION}_bucket{${sel},${leMatcher(a.latencyThresholdSeconds)}}[${w}]))` +
        ` / clamp_min(sum(rate(${METRIC_REQUEST_DURATION}_count{${sel}}[${w}])), 1e-9)`,
      labels,
    });
  }

  const alerts: Array<Record<string, unknown>> = [];
  const budgets: Array<["Availability" | "Latency", number, (w: string) => string, string]> = [
    ["Availability", 1 - a.availability / 100, errorRatioRecord, `${a.availability}% of requests succeed`],
    ["Latency", 1 - a.latencyTarget / 100, latencyRatioRecord, `${a.latencyTarget}% of requests within ${a.latencyThresholdSeconds * 1000} ms`],
  ];
  for (const [kind, budget, record, objective] of budgets) {
    for (const [long, short, burn, severity] of BURN_WINDOWS) {
      const threshold = round(burn * budget);
      const m = `{namespace="${a.namespace}",model="${a.model}"}`;
      alerts.push({
        alert: `ModelplaneSLO${kind}BurnRate`,
        expr: `${record(long)}${m} > ${threshold} and ${record(short)}${m} > ${threshold}`,
        for: severity === "critical" ? "2m" : "15m",
        labels: { severity, slo: kind.toLowerCase(), ...labels, window: long },
        annotations: {
          summary: `${a.model}: ${kind.toLowerCase()} error budget burning ${burn}x too fast (${long}/${short})`,
          description: `SLO: ${objective}. At this rate the 30-day error budget lasts ${round(30 / burn)} days.`,
        },
      });
    }
  }
  return [
    { name: `modelplane-slo-${a.model}-records`, interval: "30s", rules: records },
    { name: `modelplane-slo-${a.model}-alerts`, rules: alerts },
  ];
}

function validate(a: SloRuleArgs): void {
  if (!(a.availability > 0 && a.availability < 100)) throw new ArgumentError(`slo.availability: must be in (0, 100), got ${a.availability}`);
  if (!(a.latencyTarget > 0 && a.latencyTarget < 100)) throw new ArgumentError(`slo.latency.target: must be in (0, 100), got ${a.latencyTarget}`);
  if (!(a.latencyThresholdSeconds > 0)) throw new ArgumentError(`slo.latency.thresholdMs: must be > 0`);
}

function round(x: number): number {
  return Number(x.toPrecision(6));
}
