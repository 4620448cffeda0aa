/** Pass/fail cases of the image rules. */
import { deployment, withPod, type CaseTable } from "../k8s-fixtures.ts";

const image = (ref: string, policy?: string) =>
  withPod((_p, c) => {
    c.image = ref;
    if (policy === undefined) delete c.imagePullPolicy;
    else c.imagePullPolicy = policy;
  });
const DIGEST = "sha256:" + "0f".repeat(32);

export const supplyChainCases: CaseTable = {
  "image-tag-pinned": [
    { name: "digest", obj: deployment, expect: "pass" },
    { name: "version tag", obj: image("nvcr.io/nvidia/tritonserver:24.05-py3"), expect: "pass" },
    { name: "registry with port and tag", obj: image("registry.local:5000/team/server:1.2.3"), expect: "pass" },
    { name: "no tag", obj: image("nginx"), expect: "fail", message: /no tag/ },
    { name: "registry with port, no tag", obj: image("registry.local:5000/team/server"), expect: "fail", message: /no tag/ },
    { name: "latest", obj: image("ghcr.io/acme/server:latest"), expect: "fail", message: /latest/ },
  ],
  "image-digest": [
    { name: "digest", obj: deployment, expect: "pass" },
    { name: "tag and digest", obj: image(`ghcr.io/acme/server:1.0@${DIGEST}`), expect: "pass" },
    { name: "tag only", obj: image("ghcr.io/acme/server:1.0"), expect: "fail", message: /not pinned by digest/ },
    { name: "malformed digest", obj: image("ghcr.io/acme/server@sha256:abc"), expect: "fail" },
  ],
  "allowed-registries": [
    { name: "default list covers ghcr.io", obj: deployment, expect: "pass" },
    { name: "docker hub short name under the default list", obj: image("busybox:1.36"), expect: "pass" },
    { name: "unknown registry", obj: image("evil.example.com/miner:1.0"), expect: "fail", message: /evil\.example\.com/ },
    { name: "path prefix entry", obj: image("ghcr.io/acme/server:1.0"), config: { registries: ["ghcr.io/acme"] }, expect: "pass" },
    { name: "outside the path prefix", obj: image("ghcr.io/other/server:1.0"), config: { registries: ["ghcr.io/acme"] }, expect: "fail" },
    { name: "prefix is not a host-name prefix", obj: image("ghcr.io.evil.com/x:1"), config: { registries: ["ghcr.io"] }, expect: "fail" },
    { name: "in-cluster registry with a port", obj: image("registry.models.svc:5000/server:1.0"), config: { registries: ["registry.models.svc:5000"] }, expect: "pass" },
  ],
  "image-pull-policy": [
    { name: "digest with IfNotPresent", obj: deployment, expect: "pass" },
    { name: "version tag with IfNotPresent", obj: image("ghcr.io/acme/server:1.0", "IfNotPresent"), expect: "pass" },
    { name: "latest with the API default (Always)", obj: image("ghcr.io/acme/server:latest"), expect: "pass" },
    { name: "latest with Always", obj: image("ghcr.io/acme/server:latest", "Always"), expect: "pass" },
    { name: "latest with IfNotPresent", obj: image("ghcr.io/acme/server:latest", "IfNotPresent"), expect: "fail", message: /IfNotPresent/ },
    { name: "untagged with Never", obj: image("ghcr.io/acme/server", "Never"), expect: "fail" },
  ],
};
