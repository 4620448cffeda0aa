/**
 * A mutable reference (no tag, or `latest`, without digest) must be pulled Always, or nodes run whatever they
 * cached; a pinned one may use IfNotPresent, which is what multi-gigabyte GPU images want for cold starts. The API
 * defaults the policy to Always for mutable references, so leaving it unset passes (see SEMANTICS.md).
 */
import type { Rule } from "../../rule.ts";
import { containerRule } from "./support.ts";
import { isMutable, parseImage } from "./image-ref.ts";

export const imagePullPolicy: Rule = containerRule(
  {
    id: "image-pull-policy",
    group: "supply-chain",
    severity: "medium",
    description: "Images without a pinned version (no tag or `latest`, no digest) must use imagePullPolicy Always (the API default for them).",
    rationale:
      "With IfNotPresent or Never a mutable tag resolves to whatever each node cached, so replicas run different code. " +
      "Pinned images can safely use IfNotPresent, which avoids re-pulling 10-20 GB GPU images on every start.",
    remediation: "Pin the image by digest (then IfNotPresent is fine), or set imagePullPolicy: Always.",
  },
  (c) => {
    if (!c.image) return [];
    const policy = c.imagePullPolicy;
    if (!isMutable(parseImage(c.image)) || policy === undefined || policy === "Always") return [];
    return [`image ${c.image} is not pinned and imagePullPolicy is ${policy}`];
  },
);
