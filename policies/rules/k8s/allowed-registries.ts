/** Images come only from registries the platform trusts (the stack's registry.allowed list). */
import type { Rule } from "../../rule.ts";
import { containerRule } from "./support.ts";
import { parseImage, registryAllowed } from "./image-ref.ts";

export const DEFAULT_ALLOWED_REGISTRIES: readonly string[] = [
  "registry.k8s.io", "docker.io", "ghcr.io", "quay.io", "nvcr.io", "public.ecr.aws", "gcr.io",
];

export const allowedRegistries: Rule = containerRule(
  {
    id: "allowed-registries",
    group: "supply-chain",
    severity: "high",
    description: "Container images must come from an allowed registry (host or host/path prefix).",
    rationale: "An image from an unvetted registry is unreviewed code running next to the models and their data.",
    remediation: "Mirror the image into an allowed registry, or add its registry to registry.allowed in the stack.",
    configSchema: {
      registries: {
        type: "array",
        items: { type: "string" },
        default: [...DEFAULT_ALLOWED_REGISTRIES],
        description: "Registry hosts or host/path prefixes images may come from; `*` allows any.",
      },
    },
  },
  (c, _pod, _kind, ctx) => {
    if (!c.image) return ["has no image"];
    const allowed = Array.isArray(ctx.config.registries) ? (ctx.config.registries as string[]) : DEFAULT_ALLOWED_REGISTRIES;
    const ref = parseImage(c.image);
    return allowed.some((e) => registryAllowed(ref, e)) ? [] : [`image ${c.image} is from ${ref.registry}, not an allowed registry`];
  },
);
