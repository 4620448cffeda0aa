/** Every inference Service is scraped by a ServiceMonitor. */
import { NOT_APPLICABLE, type KubeObject, type Rule } from "../../rule.ts";
import { get, labelSelectorMatches, namespaceOf, type LabelSelector } from "../../kube.ts";
import { isInferenceObject } from "./support.ts";

/** Whether a ServiceMonitor's namespaceSelector covers a namespace (default: its own namespace only). */
function coversNamespace(monitor: KubeObject, ns: string | undefined): boolean {
  const sel = get(monitor, ["spec", "namespaceSelector"]);
  if (get(sel, ["any"]) === true) return true;
  const names = get(sel, ["matchNames"]);
  if (Array.isArray(names) && names.length > 0) return names.includes(ns ?? "");
  return (namespaceOf(monitor) ?? "") === (ns ?? "");
}

/** Port names and numbers the Service exposes (a ServiceMonitor endpoint names one). */
function servicePorts(svc: KubeObject): Set<string> {
  const out = new Set<string>();
  const ports = get(svc, ["spec", "ports"]);
  for (const p of Array.isArray(ports) ? ports : []) {
    const name = get(p, ["name"]);
    if (typeof name === "string") out.add(name);
  }
  return out;
}

export const inferenceServiceMonitored: Rule = {
  id: "inference-service-monitored",
  group: "observability",
  severity: "medium",
  description:
    "Every inference Service (label app.kubernetes.io/component: inference) is selected by a ServiceMonitor whose " +
    "endpoint port the Service has.",
  rationale:
    "Autoscaling on pending requests, SLO alerts and dashboards all read the model server's metrics; an unscraped " +
    "Service means the autoscaler sees nothing and SLO alerts never fire.",
  remediation:
    "Add a ServiceMonitor in the Service's namespace (or with namespaceSelector.matchNames) whose selector matches " +
    "the Service's labels and whose endpoint port names one of the Service's ports (monitoring.enabled in the stack).",
  kinds: ["Service"],
  needsInventory: true,
  validate(svc, ctx) {
    if (!isInferenceObject(svc)) return NOT_APPLICABLE;
    const ns = namespaceOf(svc);
    const labels = svc.metadata?.labels ?? {};
    const monitors = ctx.inventory.filter(
      (m) =>
        m.kind === "ServiceMonitor" &&
        coversNamespace(m, ns) &&
        labelSelectorMatches(get(m, ["spec", "selector"]) as LabelSelector | undefined, labels),
    );
    if (monitors.length === 0) return ["no ServiceMonitor selects this Service"];
    const ports = servicePorts(svc);
    const scrapes = monitors.some((m) => {
      const endpoints = get(m, ["spec", "endpoints"]);
      return Array.isArray(endpoints) && endpoints.some((e) => {
        const port = get(e, ["port"]);
        // `targetPort` endpoints address the pod directly; anything else must name a Service port.
        return get(e, ["targetPort"]) !== undefined || (typeof port === "string" && ports.has(port));
      });
    });
    return scrapes ? [] : ["the ServiceMonitors selecting this Service name no port the Service has"];
  },
};
