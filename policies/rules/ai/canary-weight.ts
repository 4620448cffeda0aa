/** Traffic splits (canaries) use weights that read as percentages. */
import { NOT_APPLICABLE, type Rule } from "../../rule.ts";
import { get } from "../../kube.ts";

export const canaryWeight: Rule = {
  id: "canary-weight",
  group: "reliability",
  severity: "medium",
  description:
    "HTTPRoute backendRefs weights are integers within 0–100 and, where a rule splits traffic across backends, " +
    "sum to 100.",
  rationale:
    "Gateway API weights are relative, so 10/1000 sends 1% where the author meant 10%. Keeping splits in " +
    "percent makes the canary weight in the stack the share of traffic the new model really gets.",
  remediation: "Set the stable backend's weight to 100 − canary weight and the canary's to the canary weight (canary.weight in the stack, 0–100).",
  kinds: ["HTTPRoute", "GRPCRoute"],
  needsInventory: false,
  validate(route) {
    const rules = get(route, ["spec", "rules"]);
    const problems: string[] = [];
    let splits = 0;
    (Array.isArray(rules) ? rules : []).forEach((rule, i) => {
      const refs = get(rule, ["backendRefs"]);
      if (!Array.isArray(refs) || refs.length === 0) return;
      const weighted = refs.some((r) => get(r, ["weight"]) !== undefined);
      if (refs.length < 2 && !weighted) return;
      splits++;
      const before = problems.length;
      let sum = 0;
      for (const r of refs) {
        const w = get(r, ["weight"]) ?? 1; // the API's default weight
        const name = String(get(r, ["name"]) ?? "<unnamed>");
        if (typeof w !== "number" || !Number.isInteger(w) || w < 0 || w > 100) {
          problems.push(`rules[${i}] backend ${name}: weight ${String(w)} is not an integer within 0-100`);
        } else sum += w;
      }
      if (refs.length >= 2 && problems.length === before && sum !== 100) problems.push(`rules[${i}]: weights sum to ${sum}, not 100`);
    });
    return splits === 0 ? NOT_APPLICABLE : problems;
  },
};
