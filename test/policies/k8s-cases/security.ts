/** Pass/fail cases of the security rules (Pod Security Standards baseline and restricted, and beyond). */
import { deployment, pod, variant, withPod, type CaseTable } from "../k8s-fixtures.ts";

const cronJob = {
  apiVersion: "batch/v1",
  kind: "CronJob",
  metadata: { name: "reindex", namespace: "models" },
  spec: { schedule: "0 * * * *", jobTemplate: { spec: { template: structuredClone((deployment.spec as any).template) } } },
};

export const securityCases: CaseTable = {
  privileged: [
    { name: "restricted deployment", obj: deployment, expect: "pass" },
    { name: "privileged container", obj: withPod((_p, c) => { c.securityContext.privileged = true; }), expect: "fail", message: /privileged/ },
    {
      name: "privileged init container in a CronJob",
      obj: withPod((p) => { p.initContainers = [{ name: "setup", image: "busybox:1.36", securityContext: { privileged: true } }]; }, cronJob),
      expect: "fail",
      message: /initContainer "setup"/,
    },
    { name: "a Service is not judged", obj: { apiVersion: "v1", kind: "Service", metadata: { name: "s" } }, expect: "not-applicable" },
  ],
  "host-namespaces": [
    { name: "no host namespaces", obj: deployment, expect: "pass" },
    { name: "hostIPC false is fine", obj: withPod((p) => { p.hostIPC = false; }), expect: "pass" },
    { name: "hostIPC for NCCL shared memory", obj: withPod((p) => { p.hostIPC = true; }), expect: "fail", message: /hostIPC/ },
    { name: "hostNetwork", obj: withPod((p) => { p.hostNetwork = true; }), expect: "fail", message: /hostNetwork/ },
    { name: "hostPID on a Pod", obj: withPod((p) => { p.hostPID = true; }, pod), expect: "fail", message: /hostPID/ },
  ],
  "host-path": [
    { name: "emptyDir only", obj: deployment, expect: "pass" },
    { name: "model cache on hostPath", obj: withPod((p) => { p.volumes[0] = { name: "cache", hostPath: { path: "/mnt/models" } }; }), expect: "fail", message: /\/mnt\/models/ },
    {
      name: "read-only allow-listed path",
      obj: withPod((p, c) => { p.volumes[0] = { name: "cache", hostPath: { path: "/mnt/models/resnet" } }; c.volumeMounts[0].readOnly = true; }),
      config: { allowedReadOnlyPaths: ["/mnt/models"] },
      expect: "pass",
    },
    {
      name: "allow-listed path mounted writable",
      obj: withPod((p) => { p.volumes[0] = { name: "cache", hostPath: { path: "/mnt/models" } }; }),
      config: { allowedReadOnlyPaths: ["/mnt/models"] },
      expect: "fail",
    },
  ],
  "host-ports": [
    { name: "container port only", obj: deployment, expect: "pass" },
    { name: "hostPort 0 means none", obj: withPod((_p, c) => { c.ports[0].hostPort = 0; }), expect: "pass" },
    { name: "hostPort", obj: withPod((_p, c) => { c.ports[0].hostPort = 8000; }), expect: "fail", message: /host port 8000/ },
    { name: "hostPort inside a configured range", obj: withPod((_p, c) => { c.ports[0].hostPort = 5050; }), config: { allowedRanges: ["5000-6000"] }, expect: "pass" },
    { name: "hostPort outside the configured range", obj: withPod((_p, c) => { c.ports[0].hostPort = 80; }), config: { allowedRanges: ["5000-6000"] }, expect: "fail" },
  ],
  "host-process": [
    { name: "linux pod", obj: deployment, expect: "pass" },
    { name: "pod-level hostProcess", obj: withPod((p) => { p.securityContext.windowsOptions = { hostProcess: true }; }), expect: "fail", message: /hostProcess/ },
    { name: "container-level hostProcess", obj: withPod((_p, c) => { c.securityContext.windowsOptions = { hostProcess: true }; }), expect: "fail", message: /container "server"/ },
  ],
  "proc-mount": [
    { name: "unset", obj: deployment, expect: "pass" },
    { name: "Default", obj: withPod((_p, c) => { c.securityContext.procMount = "Default"; }), expect: "pass" },
    { name: "Unmasked", obj: withPod((_p, c) => { c.securityContext.procMount = "Unmasked"; }), expect: "fail", message: /Unmasked/ },
  ],
  sysctls: [
    { name: "safe sysctl", obj: withPod((p) => { p.securityContext.sysctls = [{ name: "net.ipv4.tcp_keepalive_time", value: "60" }]; }), expect: "pass" },
    { name: "unsafe sysctl", obj: withPod((p) => { p.securityContext.sysctls = [{ name: "kernel.shmmax", value: "1" }]; }), expect: "fail", message: /kernel\.shmmax/ },
  ],
  selinux: [
    { name: "container type", obj: withPod((p) => { p.securityContext.seLinuxOptions = { type: "container_t", level: "s0:c1,c2" }; }), expect: "pass" },
    { name: "custom type", obj: withPod((_p, c) => { c.securityContext.seLinuxOptions = { type: "spc_t" }; }), expect: "fail", message: /spc_t/ },
    { name: "custom user", obj: withPod((p) => { p.securityContext.seLinuxOptions = { user: "system_u" }; }), expect: "fail", message: /user/ },
  ],
  apparmor: [
    { name: "RuntimeDefault field", obj: withPod((p) => { p.securityContext.appArmorProfile = { type: "RuntimeDefault" }; }), expect: "pass" },
    { name: "unconfined field", obj: withPod((_p, c) => { c.securityContext.appArmorProfile = { type: "Unconfined" }; }), expect: "fail", message: /Unconfined/ },
    {
      name: "unconfined annotation",
      obj: variant(deployment, (o) => { o.spec.template.metadata.annotations = { "container.apparmor.security.beta.kubernetes.io/server": "unconfined" }; }),
      expect: "fail",
      message: /annotation/,
    },
    {
      name: "localhost annotation",
      obj: variant(deployment, (o) => { o.spec.template.metadata.annotations = { "container.apparmor.security.beta.kubernetes.io/server": "localhost/k8s-inference" }; }),
      expect: "pass",
    },
  ],
  seccomp: [
    { name: "pod RuntimeDefault", obj: withPod((_p, c) => { delete c.securityContext.seccompProfile; }), expect: "pass" },
    { name: "no profile anywhere", obj: withPod((p, c) => { delete p.securityContext.seccompProfile; delete c.securityContext.seccompProfile; }), expect: "fail", message: /no seccomp profile/ },
    { name: "container Unconfined overrides pod", obj: withPod((_p, c) => { c.securityContext.seccompProfile = { type: "Unconfined" }; }), expect: "fail", message: /Unconfined/ },
    {
      name: "legacy pod annotation",
      obj: variant(withPod((p, c) => { delete p.securityContext.seccompProfile; delete c.securityContext.seccompProfile; }), (o) => {
        o.spec.template.metadata.annotations = { "seccomp.security.alpha.kubernetes.io/pod": "runtime/default" };
      }),
      expect: "pass",
    },
  ],
  "volume-types": [
    { name: "emptyDir, projected, pvc", obj: withPod((p) => { p.volumes.push({ name: "t", projected: { sources: [] } }, { name: "d", persistentVolumeClaim: { claimName: "x" } }); }), expect: "pass" },
    { name: "nfs", obj: withPod((p) => { p.volumes.push({ name: "models", nfs: { server: "nas", path: "/models" } }); }), expect: "fail", message: /nfs/ },
    { name: "hostPath", obj: withPod((p) => { p.volumes.push({ name: "h", hostPath: { path: "/data" } }); }), expect: "fail", message: /hostPath/ },
  ],
  "capabilities-add-restricted": [
    { name: "no added capability", obj: deployment, expect: "pass" },
    { name: "baseline capability", obj: withPod((_p, c) => { c.securityContext.capabilities.add = ["CHOWN", "NET_BIND_SERVICE"]; }), expect: "pass" },
    { name: "SYS_ADMIN", obj: withPod((_p, c) => { c.securityContext.capabilities.add = ["SYS_ADMIN"]; }), expect: "fail", message: /SYS_ADMIN/ },
    { name: "CAP_-prefixed spelling is not in the baseline list", obj: withPod((_p, c) => { c.securityContext.capabilities.add = ["CAP_CHOWN"]; }), expect: "fail" },
  ],
  "capabilities-restricted": [
    { name: "drop ALL", obj: deployment, expect: "pass" },
    { name: "drop ALL add NET_BIND_SERVICE", obj: withPod((_p, c) => { c.securityContext.capabilities.add = ["NET_BIND_SERVICE"]; }), expect: "pass" },
    { name: "drop ALL add CHOWN", obj: withPod((_p, c) => { c.securityContext.capabilities.add = ["CHOWN"]; }), expect: "fail", message: /CHOWN/ },
    { name: "no drop", obj: withPod((_p, c) => { delete c.securityContext.capabilities; }), expect: "fail", message: /drop ALL/ },
  ],
  "capabilities-drop-all": [
    { name: "drop ALL", obj: deployment, expect: "pass" },
    { name: "drops a list instead of ALL", obj: withPod((_p, c) => { c.securityContext.capabilities.drop = ["NET_RAW", "CHOWN"]; }), expect: "fail" },
  ],
  "capabilities-drop-net-raw": [
    { name: "drop ALL", obj: deployment, expect: "pass" },
    { name: "drop CAP_NET_RAW (runtime spelling)", obj: withPod((_p, c) => { c.securityContext.capabilities.drop = ["CAP_NET_RAW"]; }), expect: "pass" },
    { name: "drops only CHOWN", obj: withPod((_p, c) => { c.securityContext.capabilities.drop = ["CHOWN"]; }), expect: "fail", message: /NET_RAW/ },
  ],
  "privilege-escalation": [
    { name: "explicitly false", obj: deployment, expect: "pass" },
    { name: "unset (defaults to allowed)", obj: withPod((_p, c) => { delete c.securityContext.allowPrivilegeEscalation; }), expect: "fail", message: /not set/ },
    { name: "true", obj: withPod((_p, c) => { c.securityContext.allowPrivilegeEscalation = true; }), expect: "fail" },
  ],
  "run-as-non-root": [
    { name: "runAsNonRoot true", obj: deployment, expect: "pass" },
    { name: "explicit non-root UID without runAsNonRoot", obj: withPod((p, c) => { delete p.securityContext.runAsNonRoot; delete c.securityContext.runAsNonRoot; }), expect: "pass" },
    { name: "nothing set (image may default to root)", obj: withPod((p, c) => { p.securityContext = {}; delete c.securityContext.runAsNonRoot; }), expect: "fail", message: /may run as root/ },
    { name: "UID 0 on the container", obj: withPod((_p, c) => { c.securityContext.runAsUser = 0; }), expect: "fail", message: /UID 0/ },
    { name: "container runAsNonRoot false, no UID", obj: withPod((p, c) => { p.securityContext = {}; c.securityContext.runAsNonRoot = false; }), expect: "fail" },
  ],
  "read-only-root-fs": [
    { name: "read-only root", obj: deployment, expect: "pass" },
    { name: "writable root", obj: withPod((_p, c) => { c.securityContext.readOnlyRootFilesystem = false; }), expect: "fail", message: /writable/ },
    { name: "init container unset", obj: withPod((p) => { p.initContainers = [{ name: "fetch", image: "busybox:1.36" }]; }), expect: "fail", message: /initContainer "fetch"/ },
  ],
  "runtime-socket-mount": [
    { name: "no hostPath", obj: deployment, expect: "pass" },
    { name: "unrelated hostPath", obj: withPod((p) => { p.volumes.push({ name: "h", hostPath: { path: "/var/log" } }); }), expect: "pass" },
    { name: "containerd socket", obj: withPod((p) => { p.volumes.push({ name: "s", hostPath: { path: "/run/containerd/containerd.sock" } }); }), expect: "fail", message: /containerd\.sock/ },
    { name: "directory holding the docker socket", obj: withPod((p) => { p.volumes.push({ name: "s", hostPath: { path: "/var/run/" } }); }), expect: "fail", message: /docker\.sock/ },
  ],
  "automount-sa-token": [
    { name: "pod opts out", obj: deployment, expect: "pass" },
    {
      name: "ServiceAccount opts out",
      obj: withPod((p) => { delete p.automountServiceAccountToken; }),
      inventory: [{ apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "resnet", namespace: "models" }, automountServiceAccountToken: false }],
      expect: "pass",
    },
    { name: "unset, ServiceAccount not in the input", obj: withPod((p) => { delete p.automountServiceAccountToken; }), expect: "fail", message: /not in the input/ },
    { name: "explicitly true", obj: withPod((p) => { p.automountServiceAccountToken = true; }), expect: "fail" },
  ],
  "secrets-in-env": [
    { name: "plain config env and a token path", obj: withPod((_p, c) => { c.env.push({ name: "HF_TOKEN_PATH", value: "/var/run/secrets/hf/token" }); }), expect: "pass" },
    { name: "secretKeyRef", obj: withPod((_p, c) => { c.env.push({ name: "HF_TOKEN", valueFrom: { secretKeyRef: { name: "hf", key: "token" } } }); }), expect: "fail", message: /Secret hf/ },
    { name: "envFrom secretRef", obj: withPod((_p, c) => { c.envFrom = [{ secretRef: { name: "ngc" } }]; }), expect: "fail", message: /envFrom/ },
    { name: "literal API key", obj: withPod((_p, c) => { c.env.push({ name: "NGC_API_KEY", value: "nvapi-123" }); }), expect: "fail", message: /literal credential/ },
  ],
};
