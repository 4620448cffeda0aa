/** Pass/fail cases of the metadata and API-version rules. */
import { deployment, service, variant, type CaseTable } from "../k8s-fixtures.ts";

export const governanceCases: CaseTable = {
  "required-labels": [
    { name: "recommended labels", obj: deployment, expect: "pass" },
    { name: "missing instance", obj: variant(service, (o) => { delete o.metadata.labels["app.kubernetes.io/instance"]; }), expect: "fail", message: /app\.kubernetes\.io\/instance/ },
    { name: "configured team label", obj: deployment, config: { labels: ["team"] }, expect: "fail", message: /team/ },
  ],
  "default-namespace": [
    { name: "own namespace", obj: deployment, expect: "pass" },
    { name: "default", obj: variant(deployment, (o) => { o.metadata.namespace = "default"; }), expect: "fail", message: /default namespace/ },
    { name: "unset", obj: variant(deployment, (o) => { delete o.metadata.namespace; }), expect: "fail", message: /not set/ },
    { name: "cluster-scoped kind", obj: { apiVersion: "scheduling.k8s.io/v1", kind: "PriorityClass", metadata: { name: "model-serving" } }, expect: "not-applicable" },
  ],
  "deprecated-api": [
    { name: "apps/v1", obj: deployment, expect: "pass" },
    { name: "extensions/v1beta1 Ingress", obj: { apiVersion: "extensions/v1beta1", kind: "Ingress", metadata: { name: "i" } }, expect: "fail", message: /removed in 1\.22.*networking\.k8s\.io\/v1/ },
    { name: "policy/v1beta1 PDB", obj: { apiVersion: "policy/v1beta1", kind: "PodDisruptionBudget", metadata: { name: "p" } }, expect: "fail", message: /policy\/v1/ },
    {
      name: "deprecated, not yet removed at the target",
      obj: { apiVersion: "flowcontrol.apiserver.k8s.io/v1beta3", kind: "FlowSchema", metadata: { name: "f" } },
      expect: "fail",
      message: /deprecated since 1\.29/,
    },
    { name: "fine on an older target", obj: { apiVersion: "autoscaling/v2beta2", kind: "HorizontalPodAutoscaler", metadata: { name: "h" } }, config: { kubernetesVersion: "1.22" }, expect: "pass" },
  ],
};
