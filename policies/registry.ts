/** Every rule of the pack, in report order: the canonical Kubernetes checks, then the AI-platform rules. */
import type { Rule } from "./rule.ts";
import { aiRules } from "./rules/ai/index.ts";
import { k8sRules } from "./rules/k8s/index.ts";

export const rules: readonly Rule[] = [...k8sRules, ...aiRules];

const byId = new Map(rules.map((r) => [r.id, r]));

export function ruleById(id: string): Rule | undefined {
  return byId.get(id);
}
