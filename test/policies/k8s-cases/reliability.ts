/** Pass/fail cases of the resource, availability and autoscaling rules. */
import { deployment, hpa, pdb, pod, scaledObject, service, variant, withPod, type CaseTable } from "../k8s-fixtures.ts";

const fixed = (replicas: number) => variant(deployment, (o) => { o.spec.replicas = replicas; });
const job = {
  apiVersion: "batch/v1",
  kind: "Job",
  metadata: { name: "warmup", namespace: "models" },
  spec: { template: { spec: { restartPolicy: "Never", containers: [{ name: "w", image: "busybox:1.36" }] } } },
};

/** A single-pod registry on a PersistentVolumeClaim (ReadWriteOnce unless the claim says otherwise). */
const onClaim = (strategy: string) =>
  withPod((p) => { p.volumes.push({ name: "data", persistentVolumeClaim: { claimName: "registry-data" } }); }, variant(deployment, (o) => {
    o.spec.replicas = 1;
    o.spec.strategy = { type: strategy };
  }));
const claim = (mode: string) => ({
  apiVersion: "v1",
  kind: "PersistentVolumeClaim",
  metadata: { name: "registry-data", namespace: "models" },
  spec: { accessModes: [mode], resources: { requests: { storage: "50Gi" } } },
});

export const reliabilityCases: CaseTable = {
  "resources-requests-limits": [
    { name: "cpu+memory requests, memory limit", obj: deployment, expect: "pass" },
    { name: "no memory limit", obj: withPod((_p, c) => { delete c.resources.limits.memory; }), expect: "fail", message: /limits\.memory/ },
    { name: "limits only", obj: withPod((_p, c) => { c.resources = { limits: { cpu: "1", memory: "1Gi" } }; }), expect: "fail", message: /requests\.cpu, requests\.memory/ },
  ],
  "requests-equal-limits": [
    { name: "memory and GPU equal, cpu request only", obj: deployment, expect: "pass" },
    { name: "memory request below limit", obj: withPod((_p, c) => { c.resources.requests.memory = "8Gi"; }), expect: "fail", message: /memory request 8Gi/ },
    { name: "equal in different units", obj: withPod((_p, c) => { c.resources.requests.memory = "16384Mi"; }), expect: "pass" },
    { name: "cpu limit above request", obj: withPod((_p, c) => { c.resources.limits.cpu = "8"; }), expect: "fail", message: /cpu/ },
  ],
  "cpu-limits-forbidden": [
    { name: "no cpu limit", obj: deployment, expect: "pass" },
    { name: "Guaranteed QoS pod may pin cores", obj: withPod((_p, c) => { c.resources.limits.cpu = "4"; }), expect: "pass" },
    { name: "cpu limit in a Burstable pod", obj: withPod((_p, c) => { c.resources.limits.cpu = "8"; }), expect: "fail", message: /CPU limit/ },
  ],
  "ephemeral-storage": [
    { name: "sized cache and memory-backed /dev/shm", obj: deployment, expect: "pass" },
    { name: "unbounded cache emptyDir", obj: withPod((p) => { p.volumes[0] = { name: "cache", emptyDir: {} }; }), expect: "fail", message: /"cache"/ },
    {
      name: "container bounds it with ephemeral-storage",
      obj: withPod((p, c) => {
        p.volumes[0] = { name: "cache", emptyDir: {} };
        c.resources.requests["ephemeral-storage"] = "20Gi";
        c.resources.limits["ephemeral-storage"] = "20Gi";
      }),
      expect: "pass",
    },
    { name: "memory-backed emptyDir without sizeLimit is a memory question", obj: withPod((p) => { p.volumes[1] = { name: "dshm", emptyDir: { medium: "Memory" } }; }), expect: "pass" },
  ],
  probes: [
    { name: "startup, readiness and liveness", obj: deployment, expect: "pass" },
    { name: "no liveness", obj: withPod((_p, c) => { delete c.livenessProbe; }), expect: "fail", message: /livenessProbe/ },
    { name: "deployment without readiness", obj: withPod((_p, c) => { delete c.readinessProbe; }), expect: "fail", message: /readinessProbe/ },
    { name: "pod not behind a Service needs only liveness", obj: withPod((_p, c) => { delete c.readinessProbe; }, pod), expect: "pass" },
    { name: "pod behind a Service needs readiness", obj: withPod((_p, c) => { delete c.readinessProbe; }, pod), inventory: [service], expect: "fail", message: /readinessProbe/ },
    { name: "Jobs are not judged", obj: job, expect: "not-applicable" },
  ],
  "probes-distinct": [
    { name: "live and ready endpoints differ", obj: deployment, expect: "pass" },
    { name: "same endpoint, different timing", obj: withPod((_p, c) => { c.livenessProbe = { ...c.readinessProbe, periodSeconds: 30, failureThreshold: 5 }; }), expect: "pass" },
    { name: "identical probes", obj: withPod((_p, c) => { c.livenessProbe = structuredClone(c.readinessProbe); }), expect: "fail", message: /identical/ },
    {
      name: "identical once API defaults are applied",
      obj: withPod((_p, c) => {
        c.readinessProbe = { tcpSocket: { port: 8000 } };
        c.livenessProbe = { tcpSocket: { port: 8000 }, periodSeconds: 10, failureThreshold: 3 };
      }),
      expect: "fail",
    },
  ],
  "replicas-min": [
    { name: "three replicas", obj: fixed(3), expect: "pass" },
    { name: "one replica", obj: fixed(1), expect: "fail", message: /1 replica/ },
    { name: "unset replicas without autoscaler", obj: deployment, expect: "fail", message: /unset/ },
    { name: "autoscaled by KEDA", obj: deployment, inventory: [scaledObject], expect: "not-applicable" },
    { name: "one replica is fine in dev", obj: fixed(1), environment: "dev", expect: "not-applicable" },
    { name: "one replica fails in prod", obj: fixed(1), environment: "prod", expect: "fail" },
    { name: "one pod on a ReadWriteOnce claim cannot scale out", obj: onClaim("Recreate"), inventory: [claim("ReadWriteOnce")], expect: "not-applicable" },
  ],
  "rolling-update": [
    { name: "RollingUpdate", obj: deployment, expect: "pass" },
    { name: "Recreate", obj: variant(deployment, (o) => { o.spec.strategy = { type: "Recreate" }; }), expect: "fail", message: /Recreate/ },
    { name: "Recreate on a ReadWriteOnce claim", obj: onClaim("Recreate"), inventory: [claim("ReadWriteOnce")], expect: "not-applicable" },
    { name: "Recreate on a claim not in the input (RWO assumed)", obj: onClaim("Recreate"), expect: "not-applicable" },
    { name: "Recreate on a ReadWriteMany claim", obj: onClaim("Recreate"), inventory: [claim("ReadWriteMany")], expect: "fail" },
  ],
  "pdb-required": [
    { name: "autoscaled deployment with a PDB", obj: deployment, inventory: [scaledObject, pdb], expect: "pass" },
    { name: "autoscaled deployment without PDB", obj: deployment, inventory: [scaledObject], expect: "fail", message: /no PodDisruptionBudget/ },
    { name: "PDB in another namespace does not count", obj: fixed(3), inventory: [variant(pdb, (o) => { o.metadata.namespace = "other"; })], expect: "fail" },
    { name: "single replica needs none", obj: fixed(1), expect: "not-applicable" },
  ],
  "pdb-sane": [
    { name: "maxUnavailable 1", obj: pdb, inventory: [deployment, scaledObject], expect: "pass" },
    { name: "maxUnavailable 10% (rounds up to one pod)", obj: variant(pdb, (o) => { o.spec.maxUnavailable = "10%"; }), expect: "pass" },
    { name: "maxUnavailable 0", obj: variant(pdb, (o) => { o.spec.maxUnavailable = 0; }), expect: "fail", message: /maxUnavailable is 0/ },
    { name: "minAvailable 100%", obj: variant(pdb, (o) => { delete o.spec.maxUnavailable; o.spec.minAvailable = "100%"; }), expect: "fail" },
    { name: "minAvailable 50%", obj: variant(pdb, (o) => { delete o.spec.maxUnavailable; o.spec.minAvailable = "50%"; }), expect: "pass" },
    { name: "no policy", obj: variant(pdb, (o) => { delete o.spec.maxUnavailable; }), expect: "fail", message: /neither/ },
    {
      name: "minAvailable equal to the replicas blocks drains",
      obj: variant(pdb, (o) => { delete o.spec.maxUnavailable; o.spec.minAvailable = 3; }),
      inventory: [fixed(3)],
      expect: "fail",
      message: /never be evicted/,
    },
    {
      name: "minAvailable at the autoscaler's minimum, judged on the Deployment",
      obj: deployment,
      inventory: [scaledObject, variant(pdb, (o) => { delete o.spec.maxUnavailable; o.spec.minAvailable = 2; })],
      expect: "fail",
    },
    { name: "minAvailable below the replicas", obj: fixed(3), inventory: [variant(pdb, (o) => { delete o.spec.maxUnavailable; o.spec.minAvailable = 2; })], expect: "pass" },
  ],
  "hpa-sane": [
    { name: "2..6", obj: hpa, expect: "pass" },
    { name: "min above max", obj: variant(hpa, (o) => { o.spec.minReplicas = 8; }), expect: "fail", message: /greater than/ },
    { name: "max 1", obj: variant(hpa, (o) => { o.spec.minReplicas = 1; o.spec.maxReplicas = 1; }), expect: "fail", message: /nothing to scale/ },
    { name: "min 0 on an HPA", obj: variant(hpa, (o) => { o.spec.minReplicas = 0; }), expect: "fail", message: /below 1/ },
  ],
  "hpa-required": [
    { name: "KEDA ScaledObject stands in for an HPA", obj: deployment, inventory: [scaledObject], expect: "pass" },
    { name: "HPA", obj: deployment, inventory: [hpa], expect: "pass" },
    { name: "no autoscaler", obj: deployment, expect: "fail", message: /no HorizontalPodAutoscaler/ },
    { name: "single writer on a ReadWriteOnce claim", obj: onClaim("Recreate"), inventory: [claim("ReadWriteOnce")], expect: "not-applicable" },
    { name: "HPA for another Deployment", obj: deployment, inventory: [variant(hpa, (o) => { o.spec.scaleTargetRef.name = "other"; })], expect: "fail" },
  ],
  "hpa-replicas-conflict": [
    { name: "autoscaled without replicas", obj: deployment, inventory: [scaledObject], expect: "pass" },
    { name: "autoscaled with replicas", obj: fixed(2), inventory: [hpa], expect: "fail", message: /spec\.replicas 2/ },
    {
      name: "KEDA's own HPA is not a second autoscaler",
      obj: deployment,
      inventory: [scaledObject, variant(hpa, (o) => { o.metadata.name = "keda-hpa-resnet"; })],
      expect: "pass",
    },
    { name: "two HPAs", obj: deployment, inventory: [hpa, variant(hpa, (o) => { o.metadata.name = "second"; })], expect: "fail", message: /more than one/ },
    { name: "not autoscaled", obj: fixed(2), expect: "not-applicable" },
  ],
  "topology-spread": [
    { name: "spread constraints", obj: deployment, inventory: [scaledObject], expect: "pass" },
    {
      name: "preferred anti-affinity on hostname",
      obj: withPod((p) => {
        delete p.topologySpreadConstraints;
        p.affinity = { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: { topologyKey: "kubernetes.io/hostname", labelSelector: {} } }] } };
      }, fixed(3)),
      expect: "pass",
    },
    { name: "three replicas, no spread", obj: withPod((p) => { delete p.topologySpreadConstraints; }, fixed(3)), expect: "fail", message: /not spread/ },
    { name: "single replica", obj: withPod((p) => { delete p.topologySpreadConstraints; }, fixed(1)), expect: "not-applicable" },
  ],
  "priority-class": [
    { name: "set", obj: deployment, expect: "pass" },
    { name: "unset", obj: withPod((p) => { delete p.priorityClassName; }), expect: "fail", message: /priorityClassName/ },
  ],
  "bare-pod": [
    { name: "owned by a ReplicaSet", obj: pod, expect: "pass" },
    { name: "bare", obj: variant(pod, (o) => { delete o.metadata.ownerReferences; }), expect: "fail", message: /bare Pod/ },
    { name: "a Deployment is not a Pod", obj: deployment, expect: "not-applicable" },
  ],
};
