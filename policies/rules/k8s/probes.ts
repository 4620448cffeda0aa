/**
 * Health probes of long-running containers:
 * - probes: a liveness probe always; a readiness probe where readiness is used, i.e. for controllers that roll
 *   out (their rollouts wait for readiness) and for pods a Service in the input selects;
 * - probes-distinct: liveness and readiness must not be the same probe, or a busy server gets restarted.
 */
import type { KubeObject, Rule } from "../../rule.ts";
import { mapSelectorMatches, objectsIn, sameNamespace, type Container, type Json } from "../../kube.ts";
import { asRecord, podLabelsOf, podRule, servingKinds } from "./support.ts";

const ROLLING_KINDS = ["Deployment", "StatefulSet", "DaemonSet"];

function selectedByService(obj: KubeObject, inventory: readonly KubeObject[]): boolean {
  const labels = podLabelsOf(obj);
  return sameNamespace(inventory, obj).some((o) => {
    if (o.kind !== "Service") return false;
    const sel = asRecord(asRecord(o.spec)?.selector) as Record<string, string> | undefined;
    return !!sel && Object.keys(sel).length > 0 && mapSelectorMatches(sel, labels);
  });
}

export const probes: Rule = podRule(
  {
    id: "probes",
    group: "reliability",
    severity: "medium",
    description: "Serving containers need a liveness probe, and a readiness probe when they roll out or sit behind a Service.",
    rationale:
      "Without liveness a hung server (a stuck CUDA context) keeps its GPU forever; without readiness traffic and " +
      "rollouts reach replicas that have not loaded their model yet.",
    remediation: "Add livenessProbe and readinessProbe (modelplane servers: /v2/health/live and /v2/health/ready).",
    kinds: servingKinds,
    needsInventory: true,
  },
  (pod, obj, ctx) => {
    const needReadiness = ROLLING_KINDS.includes(obj.kind) || selectedByService(obj, ctx.inventory);
    const out: string[] = [];
    for (const c of objectsIn<Container>(pod.containers)) {
      const missing = [
        ...(c.livenessProbe ? [] : ["livenessProbe"]),
        ...(needReadiness && !c.readinessProbe ? ["readinessProbe"] : []),
      ];
      if (missing.length) out.push(`container "${c.name ?? "<unnamed>"}": missing ${missing.join(" and ")}`);
    }
    return out;
  },
);

const PROBE_DEFAULTS: Json = { initialDelaySeconds: 0, periodSeconds: 10, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 3 };

/** A probe with the API's defaults filled in and keys sorted, so `periodSeconds: 10` and unset compare equal. */
function canonical(p: Json): string {
  return stableStringify({ ...PROBE_DEFAULTS, ...p });
}

function stableStringify(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableStringify).join(",")}]`;
  if (v && typeof v === "object") {
    const o = v as Json;
    return `{${Object.keys(o).filter((k) => o[k] !== undefined).sort().map((k) => `${JSON.stringify(k)}:${stableStringify(o[k])}`).join(",")}}`;
  }
  return JSON.stringify(v);
}

export const probesDistinct: Rule = podRule(
  {
    id: "probes-distinct",
    group: "reliability",
    severity: "medium",
    description: "A container's liveness and readiness probes must not be identical (same check and same timing).",
    rationale:
      "With identical probes an overloaded server that stops being ready is also declared dead and restarted, " +
      "turning a traffic spike into a crash loop that reloads the model on every restart.",
    remediation: "Point liveness at a cheap process check (/v2/health/live) and readiness at model readiness (/v2/health/ready), or give them different timing.",
    kinds: servingKinds,
  },
  (pod) =>
    objectsIn<Container>(pod.containers)
      .filter((c) => c.livenessProbe && c.readinessProbe && canonical(c.livenessProbe) === canonical(c.readinessProbe))
      .map((c) => `container "${c.name ?? "<unnamed>"}": liveness and readiness probes are identical`),
);
