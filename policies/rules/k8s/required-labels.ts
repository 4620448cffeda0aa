/** Objects carry the labels dashboards, cost reports and exemptions select on. */
import type { Rule } from "../../rule.ts";

export const DEFAULT_REQUIRED_LABELS: readonly string[] = ["app.kubernetes.io/name", "app.kubernetes.io/instance"];

export const requiredLabels: Rule = {
  id: "required-labels",
  group: "observability",
  severity: "low",
  description: "Objects must carry the required labels (default app.kubernetes.io/name and app.kubernetes.io/instance) with non-empty values.",
  rationale:
    "Dashboards, alert routing, GPU cost attribution and policy exemptions all find objects by label; an unlabelled " +
    "object is invisible to them.",
  remediation: "Add the missing labels to metadata.labels (modelplane components add app.kubernetes.io/* themselves).",
  kinds: "*",
  needsInventory: false,
  configSchema: {
    labels: {
      type: "array",
      items: { type: "string" },
      default: [...DEFAULT_REQUIRED_LABELS],
      description: "Label keys every object must carry.",
    },
  },
  validate(obj, ctx) {
    const required = (ctx.config.labels as string[] | undefined) ?? [...DEFAULT_REQUIRED_LABELS];
    const labels = obj.metadata?.labels ?? {};
    const missing = required.filter((k) => typeof labels[k] !== "string" || labels[k] === "");
    return missing.length ? [`missing label${missing.length > 1 ? "s" : ""} ${missing.join(", ")}`] : [];
  },
};
