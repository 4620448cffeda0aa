/**
 * Grafana dashboards as data: one for the model servers (traffic, latency against the SLO, queueing, batching)
 * and one for GPUs (DCGM). Grafana's sidecar loads ConfigMaps labelled `grafana_dashboard`.
 */
import { METRIC_PENDING, METRIC_REQUESTS, METRIC_REQUEST_DURATION } from "./server-contract.ts";

interface Panel {
  title: string;
  expr: string;
  unit: string;
}

function dashboard(uid: string, title: string, panels: Panel[]): Record<string, unknown> {
  return {
    uid,
    title,
    schemaVersion: 39,
    tags: ["modelplane"],
    time: { from: "now-6h", to: "now" },
    templating: {
      list: [
        { name: "namespace", type: "query", query: `label_values(${METRIC_REQUESTS}, namespace)`, datasource: "Prometheus" },
        { name: "model", type: "query", query: `label_values(${METRIC_REQUESTS}{namespace="$namespace"}, model)`, datasource: "Prometheus", includeAll: true },
      ],
    },
    panels: panels.map((p, i) => ({
      id: i + 1,
      type: "timeseries",
      title: p.title,
      gridPos: { x: (i % 2) * 12, y: Math.floor(i / 2) * 8, w: 12, h: 8 },
      fieldConfig: { defaults: { unit: p.unit } },
      targets: [{ expr: p.expr, refId: "A", legendFormat: "{{model}}" }],
    })),
  };
}

const sel = `namespace="$namespace",model=~"$model"`;

export const inferenceDashboard = dashboard("modelplane-inference", "modelplane / inference", [
  { title: "Requests per second by outcome", expr: `sum by (model, outcome) (rate(${METRIC_REQUESTS}{${sel}}[5m]))`, unit: "reqps" },
  { title: "p99 latency", expr: `histogram_quantile(0.99, sum by (model, le) (rate(${METRIC_REQUEST_DURATION}_bucket{${sel}}[5m])))`, unit: "s" },
  { title: "p50 latency", expr: `histogram_quantile(0.5, sum by (model, le) (rate(${METRIC_REQUEST_DURATION}_bucket{${sel}}[5m])))`, unit: "s" },
  { title: "Pending requests (queued + in flight)", expr: `sum by (model) (${METRIC_PENDING}{${sel}})`, unit: "short" },
  { title: "Mean batch size", expr: `sum by (model) (rate(modelplane_inference_batch_size_sum{${sel}}[5m])) / sum by (model) (rate(modelplane_inference_batch_size_count{${sel}}[5m]))`, unit: "short" },
  { title: "Availability error ratio (1h)", expr: `modelplane:slo_availability_errors:ratio_rate1h{${sel}}`, unit: "percentunit" },
]);

export const gpuDashboard = dashboard("modelplane-gpu", "modelplane / GPUs", [
  { title: "GPU utilisation", expr: `avg by (Hostname, gpu) (DCGM_FI_DEV_GPU_UTIL)`, unit: "percent" },
  { title: "GPU memory used", expr: `sum by (Hostname, gpu) (DCGM_FI_DEV_FB_USED)`, unit: "decmbytes" },
  { title: "GPU power", expr: `sum by (Hostname, gpu) (DCGM_FI_DEV_POWER_USAGE)`, unit: "watt" },
  { title: "GPU temperature", expr: `max by (Hostname, gpu) (DCGM_FI_DEV_GPU_TEMP)`, unit: "celsius" },
]);
