/**
 * No container-runtime socket from the host. A mount of a directory that holds the socket (/var/run, /run,
 * /var/run/containerd, ...) exposes it just the same, so those count too.
 */
import type { Rule } from "../../rule.ts";
import { get } from "../../kube.ts";
import { podRule, volumesOf } from "./support.ts";

const SOCKETS = [
  "/var/run/docker.sock",
  "/var/run/containerd/containerd.sock",
  "/var/run/crio/crio.sock",
  "/var/run/cri-dockerd.sock",
  "/var/run/dockershim.sock",
  "/var/lib/kubelet/pod-resources/kubelet.sock",
];

/** `/run` is `/var/run` on every current distribution; trailing slashes and `//` do not change the path. */
function normalise(p: string): string {
  let s = p.replace(/\/+/g, "/").replace(/\/$/, "");
  if (s === "/run" || s.startsWith("/run/")) s = `/var${s}`;
  return s || "/";
}

export function exposedSocket(path: string): string | undefined {
  const p = normalise(path);
  return SOCKETS.find((sock) => sock === p || sock.startsWith(p === "/" ? "/" : `${p}/`));
}

export const runtimeSocketMount: Rule = podRule(
  {
    id: "runtime-socket-mount",
    group: "security",
    severity: "high",
    description: "Pods must not mount a container runtime socket (docker, containerd, CRI-O, kubelet) or a directory holding one.",
    rationale: "The runtime socket starts privileged containers on the node at will: it is root on the node.",
    remediation: "Remove the hostPath volume; build images with an in-cluster builder that needs no runtime socket.",
  },
  (pod) =>
    volumesOf(pod).flatMap((v) => {
      const path = get(v, ["hostPath", "path"]);
      if (typeof path !== "string") return [];
      const sock = exposedSocket(path);
      return sock ? [`volume "${String(v.name)}" mounts ${path}, exposing ${sock}`] : [];
    }),
);
