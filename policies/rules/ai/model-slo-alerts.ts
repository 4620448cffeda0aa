/** Every served model has SLO alerting rules. */
import { NOT_APPLICABLE, type KubeObject, type Rule } from "../../rule.ts";
import { get, podSpecOf } from "../../kube.ts";
import { isInferenceObject, modelNamesOf } from "./support.ts";

function alertRules(obj: KubeObject): unknown[] {
  const groups = get(obj, ["spec", "groups"]);
  return (Array.isArray(groups) ? groups : []).flatMap((g) => {
    const rules = get(g, ["rules"]);
    return Array.isArray(rules) ? rules.filter((r) => typeof get(r, ["alert"]) === "string") : [];
  });
}

function mentions(rule: unknown, model: string): boolean {
  if (get(rule, ["labels", "model"]) === model) return true;
  const expr = get(rule, ["expr"]);
  return typeof expr === "string" && (expr.includes(`model="${model}"`) || expr.includes(`model='${model}'`));
}

export const modelSloAlerts: Rule = {
  id: "model-slo-alerts",
  group: "observability",
  severity: "medium",
  description:
    "Every model an inference workload serves has an alerting rule in a PrometheusRule that references it " +
    "(label model=NAME or model=\"NAME\" in the expression).",
  rationale:
    "An SLO nobody is alerted on is a wish: burn-rate alerts per model are what tells the on-call that a model is " +
    "failing or slow before users do.",
  remediation: "Add a PrometheusRule with availability and latency burn-rate alerts for the model (set slo for the model in the stack).",
  kinds: ["Deployment", "StatefulSet"],
  needsInventory: true,
  validate(obj, ctx) {
    if (!isInferenceObject(obj)) return NOT_APPLICABLE;
    const models = modelNamesOf(obj, podSpecOf(obj));
    if (models.length === 0) return ["cannot tell which model this workload serves (no app.kubernetes.io/instance label or --model flag)"];
    const alerts = ctx.inventory.filter((o) => o.kind === "PrometheusRule").flatMap(alertRules);
    return models.filter((m) => !alerts.some((r) => mentions(r, m))).map((m) => `no alerting rule references model ${m}`);
  },
};
