/**
 * Observability for the platform: kube-prometheus-stack (Prometheus, Alertmanager, Grafana, the operator that
 * reads ServiceMonitors and PrometheusRules), prometheus-adapter exposing pending requests per pod to HPAs,
 * the DCGM exporter for GPU metrics, and Grafana dashboards as ConfigMaps.
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { alertmanagerConfig, type AlertReceiverArgs } from "./alertmanager.ts";
import { DCGM_EXPORTER, KUBE_PROMETHEUS_STACK, PROMETHEUS_ADAPTER, helmRelease } from "./charts.ts";
import { gpuDashboard, inferenceDashboard } from "./dashboards.ts";
import { DEFAULT_PRODUCT_LABEL, gpuToleration } from "./gpu.ts";
import { standardLabels } from "./labels.ts";
import { METRIC_PENDING } from "./server-contract.ts";

export interface MonitoringStackArgs {
  namespace: pulumi.Input<string>;
  /** Create the namespace (false when the caller manages it). Default true. */
  createNamespace?: boolean;
  chartVersion?: pulumi.Input<string>;
  adapterChartVersion?: pulumi.Input<string>;
  dcgmChartVersion?: pulumi.Input<string>;
  retention?: pulumi.Input<string>;
  storageSize?: pulumi.Input<string>;
  storageClass?: pulumi.Input<string>;
  /** Install the DCGM exporter (skip when the GPU Operator already runs one). */
  dcgmExporter?: boolean;
  /** The GPU nodes' taint (default key `nvidia.com/gpu`): the DCGM exporter must tolerate it to run there. */
  gpuTaintKey?: string;
  gpuTaintValue?: string;
  gpuTaintEffect?: string;
  /** A label only GPU nodes carry (default `nvidia.com/gpu.product`): the DCGM exporter runs there and nowhere else. */
  gpuNodeLabel?: string;
  /** GPU dashboards (DCGM metrics exist, from here or from the GPU Operator). */
  gpuDashboards?: boolean;
  alertReceivers?: pulumi.Input<AlertReceiverArgs[]>;
  /** Release name; ServiceMonitors and PrometheusRules must carry `release: <name>` to be picked up. */
  releaseName?: string;
  labels?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

export class MonitoringStack extends pulumi.ComponentResource {
  /** Labels a ServiceMonitor/PrometheusRule needs for this Prometheus to select it. */
  readonly ruleSelector: pulumi.Output<Record<string, string>>;
  /** In-cluster Prometheus URL (KEDA triggers, adapters). */
  readonly prometheusUrl: pulumi.Output<string>;
  readonly namespace: pulumi.Output<string>;

  constructor(name: string, args: MonitoringStackArgs, opts?: pulumi.ComponentResourceOptions) {
    super("modelplane:index:MonitoringStack", name, {}, opts);
    const child = { parent: this };
    const release = args.releaseName ?? "kube-prometheus-stack";
    const labels = standardLabels({ name: "monitoring", instance: release, component: "monitoring", extra: args.labels });
    let ns: pulumi.Output<string> = pulumi.output(args.namespace);
    const deps: pulumi.Resource[] = [];
    if (args.createNamespace ?? true) {
      // Node exporter needs host access: the monitoring namespace is `privileged`, kept apart from the models.
      const nsRes = new k8s.core.v1.Namespace(`${name}-namespace`, {
        metadata: { name: args.namespace, labels: pulumi.all([labels]).apply(([l]) => ({ ...l, "pod-security.kubernetes.io/enforce": "privileged" })) },
      }, child);
      ns = nsRes.metadata.name;
      deps.push(nsRes);
    }
    const chartOpts = { parent: this, dependsOn: deps };

    const storage = pulumi.all([args.storageSize ?? "50Gi", args.storageClass ?? ""]).apply(([size, cls]) => ({
      volumeClaimTemplate: { spec: { accessModes: ["ReadWriteOnce"], ...(cls ? { storageClassName: cls } : {}), resources: { requests: { storage: size } } } },
    }));
    helmRelease(`${name}-kube-prometheus-stack`, KUBE_PROMETHEUS_STACK, {
      release,
      namespace: ns,
      version: args.chartVersion,
      values: {
        prometheus: {
          prometheusSpec: {
            retention: args.retention ?? "15d",
            storageSpec: storage,
            // Select ServiceMonitors/PrometheusRules in every namespace, by the release label only.
            serviceMonitorSelectorNilUsesHelmValues: false,
            ruleSelectorNilUsesHelmValues: false,
            serviceMonitorSelector: { matchLabels: { release } },
            ruleSelector: { matchLabels: { release } },
          },
        },
        alertmanager: { config: pulumi.secret(pulumi.output(args.alertReceivers ?? []).apply(alertmanagerConfig)) },
        grafana: { sidecar: { dashboards: { enabled: true, label: "grafana_dashboard", searchNamespace: "ALL" } } },
      },
    }, chartOpts);

    this.prometheusUrl = pulumi.interpolate`http://prometheus-operated.${ns}.svc:9090`;
    helmRelease(`${name}-prometheus-adapter`, PROMETHEUS_ADAPTER, {
      release: "prometheus-adapter",
      namespace: ns,
      version: args.adapterChartVersion,
      values: {
        prometheus: { url: pulumi.interpolate`http://prometheus-operated.${ns}.svc`, port: 9090 },
        rules: {
          default: false,
          // Pending requests per pod, the metric HPA-based AutoscalingPolicies target.
          custom: [{
            seriesQuery: `${METRIC_PENDING}{namespace!="",pod!=""}`,
            resources: { overrides: { namespace: { resource: "namespace" }, pod: { resource: "pod" } } },
            name: { matches: `^${METRIC_PENDING}$`, as: METRIC_PENDING },
            metricsQuery: "sum(<<.Series>>{<<.LabelMatchers>>}) by (<<.GroupBy>>)",
          }],
        },
      },
    }, chartOpts);

    if (args.dcgmExporter) {
      helmRelease(`${name}-dcgm-exporter`, DCGM_EXPORTER, {
        release: "dcgm-exporter",
        namespace: ns,
        version: args.dcgmChartVersion,
        // The chart's DaemonSet has no tolerations nor node selection by default: it would skip the tainted
        // GPU nodes and crash-loop on every CPU node instead.
        values: {
          serviceMonitor: { enabled: true, additionalLabels: { release } },
          tolerations: [gpuToleration({ taintKey: args.gpuTaintKey, taintValue: args.gpuTaintValue, taintEffect: args.gpuTaintEffect })],
          affinity: {
            nodeAffinity: {
              requiredDuringSchedulingIgnoredDuringExecution: {
                nodeSelectorTerms: [{ matchExpressions: [{ key: args.gpuNodeLabel ?? DEFAULT_PRODUCT_LABEL, operator: "Exists" }] }],
              },
            },
          },
        },
      }, chartOpts);
    }

    const dashboards = [inferenceDashboard, ...(args.gpuDashboards ?? args.dcgmExporter ?? false ? [gpuDashboard] : [])];
    for (const d of dashboards) {
      const uid = String(d["uid"]);
      new k8s.core.v1.ConfigMap(`${name}-dashboard-${uid}`, {
        metadata: { name: `dashboard-${uid}`, namespace: ns, labels: pulumi.all([labels]).apply(([l]) => ({ ...l, grafana_dashboard: "1" })) },
        data: { [`${uid}.json`]: JSON.stringify(d) },
      }, { parent: this, dependsOn: deps });
    }

    this.namespace = ns;
    this.ruleSelector = pulumi.output<Record<string, string>>({ release });
    this.registerOutputs({ namespace: this.namespace, prometheusUrl: this.prometheusUrl, ruleSelector: this.ruleSelector });
  }
}
