/** Helm charts modelplane installs, pinned (every component takes a version override), and how it installs one. */
import type * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
// The charts a stack can choose versions of are pinned once, with the spec's defaults.
import { GPU_OPERATOR_CHART_VERSION, KUBE_PROMETHEUS_STACK_CHART_VERSION } from "../platform/spec/defaults.ts";

export interface ChartRef {
  chart: string;
  repo: string;
  version: string;
}

export const KUBE_PROMETHEUS_STACK: ChartRef = {
  chart: "kube-prometheus-stack",
  repo: "https://prometheus-community.github.io/helm-charts",
  version: KUBE_PROMETHEUS_STACK_CHART_VERSION,
};
export const PROMETHEUS_ADAPTER: ChartRef = {
  chart: "prometheus-adapter",
  repo: "https://prometheus-community.github.io/helm-charts",
  version: "5.1.0",
};
export const DCGM_EXPORTER: ChartRef = {
  chart: "dcgm-exporter",
  repo: "https://nvidia.github.io/dcgm-exporter/helm-charts",
  version: "4.5.2",
};
export const GPU_OPERATOR: ChartRef = {
  chart: "gpu-operator",
  repo: "https://helm.ngc.nvidia.com/nvidia",
  version: GPU_OPERATOR_CHART_VERSION,
};

export const KEDA: ChartRef = {
  chart: "keda",
  repo: "https://kedacore.github.io/charts",
  version: "2.17.2",
};

export interface ReleaseArgs {
  release: string;
  namespace: pulumi.Input<string>;
  /** Overrides the pinned version. */
  version?: pulumi.Input<string>;
  values: pulumi.Input<Record<string, unknown>>;
}

/** A Helm release of a pinned chart, always with an explicit release name and namespace. */
export function helmRelease(logicalName: string, ref: ChartRef, a: ReleaseArgs, opts: pulumi.ComponentResourceOptions): k8s.helm.v4.Chart {
  return new k8s.helm.v4.Chart(logicalName, {
    name: a.release,
    namespace: a.namespace,
    chart: ref.chart,
    version: a.version ?? ref.version,
    repositoryOpts: { repo: ref.repo },
    values: a.values,
  }, opts);
}
