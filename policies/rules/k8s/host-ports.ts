/** PSS baseline "Host Ports": none, unless a port falls in a configured range (the baseline's "known list"). */
import type { Rule } from "../../rule.ts";
import { objectsIn, type Container } from "../../kube.ts";
import { containerRule } from "./support.ts";

function inRanges(port: number, ranges: readonly string[]): boolean {
  return ranges.some((r) => {
    const [lo, hi] = r.split("-").map(Number);
    return lo !== undefined && port >= lo && port <= (hi ?? lo);
  });
}

export const hostPorts: Rule = containerRule(
  {
    id: "host-ports",
    group: "security",
    severity: "medium",
    description: "Containers must not bind host ports (ports[].hostPort unset or 0), except in configured ranges.",
    rationale:
      "A host port bypasses Services and NetworkPolicies, pins the pod to nodes where the port is free and exposes it " +
      "on the node's address.",
    remediation: "Remove hostPort and expose the port through a Service (and an Ingress or Gateway for outside traffic).",
    configSchema: {
      allowedRanges: {
        type: "array",
        items: { type: "string", pattern: "^\\d+(-\\d+)?$" },
        default: [],
        description: "Host ports or port ranges (`5000-6000`) that may be bound.",
      },
    },
  },
  (c, _pod, _kind, ctx) => {
    const ranges = (ctx.config.allowedRanges as string[] | undefined) ?? [];
    return objectsIn<NonNullable<Container["ports"]>[number]>(c.ports)
      .filter((p) => p.hostPort !== undefined && p.hostPort !== null && Number(p.hostPort) !== 0)
      .filter((p) => !inRanges(Number(p.hostPort), ranges))
      .map((p) => `binds host port ${String(p.hostPort)}`);
  },
);
