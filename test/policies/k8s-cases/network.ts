/** Pass/fail cases of the network exposure rules. */
import { deployment, networkPolicy, pod, service, variant, type CaseTable } from "../k8s-fixtures.ts";

const ingress = {
  apiVersion: "networking.k8s.io/v1",
  kind: "Ingress",
  metadata: { name: "resnet", namespace: "models", annotations: { "nginx.ingress.kubernetes.io/ssl-redirect": "true" } },
  spec: {
    tls: [{ hosts: ["*.models.example.com"], secretName: "models-tls" }],
    rules: [
      { host: "resnet.models.example.com", http: { paths: [{ path: "/", pathType: "Prefix", backend: { service: { name: "resnet", port: { number: 80 } } } }] } },
    ],
  },
};

export const networkCases: CaseTable = {
  "networkpolicy-required": [
    { name: "ingress policy selects the pods", obj: deployment, inventory: [networkPolicy], expect: "pass" },
    {
      name: "empty podSelector (namespace default deny)",
      obj: deployment,
      inventory: [variant(networkPolicy, (o) => { o.spec.podSelector = {}; })],
      expect: "pass",
    },
    { name: "no policy", obj: deployment, expect: "fail", message: /no NetworkPolicy selects/ },
    {
      name: "egress-only policy leaves ingress open",
      obj: deployment,
      inventory: [variant(networkPolicy, (o) => { o.spec.policyTypes = ["Egress"]; delete o.spec.ingress; })],
      expect: "fail",
      message: /Ingress/,
    },
    {
      name: "egress required by config",
      obj: deployment,
      inventory: [networkPolicy],
      config: { policyTypes: ["Ingress", "Egress"] },
      expect: "fail",
      message: /Egress/,
    },
    { name: "policy in another namespace", obj: deployment, inventory: [variant(networkPolicy, (o) => { o.metadata.namespace = "other"; })], expect: "fail" },
    { name: "pods owned by a controller are judged through it", obj: pod, expect: "pass" },
  ],
  "service-type": [
    { name: "ClusterIP", obj: service, expect: "pass" },
    { name: "type unset defaults to ClusterIP", obj: variant(service, (o) => { delete o.spec.type; }), expect: "pass" },
    { name: "LoadBalancer", obj: variant(service, (o) => { o.spec.type = "LoadBalancer"; }), expect: "fail", message: /LoadBalancer/ },
    { name: "NodePort allowed by config", obj: variant(service, (o) => { o.spec.type = "NodePort"; }), config: { allowedTypes: ["ClusterIP", "NodePort"] }, expect: "pass" },
  ],
  "service-external-ips": [
    { name: "none", obj: service, expect: "pass" },
    { name: "externalIPs", obj: variant(service, (o) => { o.spec.externalIPs = ["23.185.0.3"]; }), expect: "fail", message: /23\.185\.0\.3/ },
  ],
  "ingress-tls": [
    { name: "wildcard TLS and ssl-redirect", obj: ingress, expect: "pass" },
    { name: "no tls", obj: variant(ingress, (o) => { delete o.spec.tls; }), expect: "fail", message: /no tls/ },
    { name: "host not covered", obj: variant(ingress, (o) => { o.spec.rules[0].host = "resnet.example.org"; }), expect: "fail", message: /not covered/ },
    { name: "HTTP not disabled", obj: variant(ingress, (o) => { o.metadata.annotations = {}; }), expect: "fail", message: /plain HTTP/ },
    { name: "GCE allow-http false", obj: variant(ingress, (o) => { o.metadata.annotations = { "kubernetes.io/ingress.allow-http": "false" }; }), expect: "pass" },
  ],
  "dangling-reference": [
    { name: "Service selects the Deployment's pods", obj: service, inventory: [deployment], expect: "pass" },
    { name: "Service selects nothing", obj: variant(service, (o) => { o.spec.selector = { app: "gone" }; }), inventory: [deployment], expect: "fail", message: /matches no pods/ },
    { name: "Service without selector (manual endpoints)", obj: variant(service, (o) => { delete o.spec.selector; }), expect: "not-applicable" },
    { name: "NetworkPolicy selects pods", obj: networkPolicy, inventory: [deployment], expect: "pass" },
    { name: "NetworkPolicy selects nothing", obj: networkPolicy, expect: "fail" },
    { name: "Ingress backend exists", obj: ingress, inventory: [service], expect: "pass" },
    { name: "Ingress backend missing", obj: ingress, expect: "fail", message: /Service resnet/ },
    {
      name: "Ingress with the old serviceName backend",
      obj: { apiVersion: "networking.k8s.io/v1", kind: "Ingress", metadata: { name: "i", namespace: "models" }, spec: { rules: [{ http: { paths: [{ backend: { serviceName: "old", servicePort: 80 } }] } }] } },
      expect: "fail",
      message: /Service old/,
    },
    {
      name: "HPA target missing",
      obj: { apiVersion: "autoscaling/v2", kind: "HorizontalPodAutoscaler", metadata: { name: "h", namespace: "models" }, spec: { scaleTargetRef: { kind: "Deployment", name: "nope" }, maxReplicas: 3 } },
      inventory: [deployment],
      expect: "fail",
      message: /Deployment\/nope/,
    },
  ],
};
