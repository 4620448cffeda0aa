/** A generated platform of N models, shaped like prod (GPUs, SLOs, a mix of KEDA and HPA, some canaries). */
export function generatedPlatform(models: number): Record<string, unknown> {
  const digest = (i: number, salt: string) => "sha256:" + (salt + i.toString(16)).padStart(64, "0").slice(-64);
  return {
    environment: "prod",
    namespace: "modelplane-bench",
    registry: { mode: "external", server: "registry.example.com", username: "robot", password: "bench" },
    gpu: { sharing: "none", budget: 0 },
    models: Array.from({ length: models }, (_, i) => ({
      name: `model-${i}`,
      artifact: `oci://registry.example.com/models/model-${i}@${digest(i, "a")}`,
      resources: { cpu: "2", memory: "8Gi", gpu: 1, gpuProduct: "NVIDIA-H100-80GB-HBM3" },
      autoscaling: i % 2 === 0 ? { engine: "keda", minReplicas: 2, maxReplicas: 4 } : { engine: "hpa", minReplicas: 2, maxReplicas: 4 },
      slo: { availability: 99.9, latency: { thresholdMs: 200, target: 99 } },
      ...(i % 10 === 0 ? { canary: { artifact: `oci://registry.example.com/models/model-${i}@${digest(i, "b")}`, weight: 10 } } : {}),
    })),
  };
}
