/** Model artifacts come from allowed registries. */
import type { Rule } from "../../rule.ts";
import { NOT_APPLICABLE } from "../../rule.ts";
import { podRule } from "../k8s/support.ts";
import { parseImage, registryAllowed } from "../k8s/image-ref.ts";
import { isLocalPath, modelRefsOf } from "./support.ts";

export const modelArtifactRegistry: Rule = podRule(
  {
    id: "model-artifact-registry",
    group: "supply-chain",
    severity: "high",
    description: "Model artifacts come from an allowed registry (host or host/path prefix); not applicable when none is configured.",
    rationale:
      "Weights are code: a model from an unvetted registry can exfiltrate inputs or carry a backdoor. The same " +
      "allow-list that governs images governs models.",
    remediation: "Push the model to an allowed registry (`modelplane model push`) or add its registry to registry.allowed in the stack.",
    configSchema: {
      allowedRegistries: {
        type: "array",
        items: { type: "string" },
        default: [],
        description: "Registry hosts or host/path prefixes model artifacts may come from; empty: not checked.",
      },
    },
  },
  (pod, _obj, ctx) => {
    const allowed = Array.isArray(ctx.config.allowedRegistries) ? (ctx.config.allowedRegistries as unknown[]).map(String) : [];
    const refs = modelRefsOf(pod).filter((r) => !isLocalPath(r.reference));
    if (allowed.length === 0 || refs.length === 0) return NOT_APPLICABLE;
    return refs.flatMap((r) => {
      const ref = parseImage(r.reference);
      return allowed.some((e) => registryAllowed(ref, e))
        ? []
        : [`container "${r.container}" ${r.where}: registry ${ref.registry} is not allowed (${allowed.join(", ")})`];
    });
  },
);
