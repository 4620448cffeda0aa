/** Images referenced by content digest: what was reviewed is exactly what runs. */
import type { Rule } from "../../rule.ts";
import { containerRule } from "./support.ts";
import { hasValidDigest, parseImage } from "./image-ref.ts";

export const imageDigest: Rule = containerRule(
  {
    id: "image-digest",
    group: "supply-chain",
    severity: "medium",
    description: "Container images must be referenced by digest (image@sha256:...).",
    rationale:
      "A tag can be moved; a digest cannot. For multi-gigabyte GPU images, digest pinning also prevents silent " +
      "CUDA/driver-library drift between replicas pulled at different times.",
    remediation: "Resolve the tag to its digest (e.g. `crane digest`) and reference image@sha256:<digest>.",
  },
  (c) => (c.image && hasValidDigest(parseImage(c.image)) ? [] : [`image ${c.image ?? "<none>"} is not pinned by digest`]),
);
