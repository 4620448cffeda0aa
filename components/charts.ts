/** Helm charts modelplane installs, with pinned default versions (every component takes an override). */
export interface ChartRef {
  chart: string;
  repo: string;
  version: string;
}

export const KUBE_PROMETHEUS_STACK: ChartRef = {
  chart: "kube-prometheus-stack",
  repo: "https://prometheus-community.github.io/helm-charts",
  version: "77.5.0",
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
  version: "v25.3.4",
};
