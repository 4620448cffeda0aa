/** Images name a version: a tag other than `latest`, or a digest. */
import type { Rule } from "../../rule.ts";
import { containerRule } from "./support.ts";
import { hasValidDigest, parseImage } from "./image-ref.ts";

export const imageTagPinned: Rule = containerRule(
  {
    id: "image-tag-pinned",
    group: "supply-chain",
    severity: "medium",
    description: "Container images must carry an explicit tag other than `latest` (or a digest).",
    rationale: "Without a version, what runs depends on when a node pulled the image; rollbacks and audits lose their meaning.",
    remediation: "Reference the image by a version tag, or better by digest (image@sha256:...).",
  },
  (c) => {
    if (!c.image) return ["has no image"];
    const ref = parseImage(c.image);
    if (hasValidDigest(ref)) return [];
    if (ref.tag === undefined) return [`image ${c.image} has no tag`];
    if (ref.tag === "latest") return [`image ${c.image} uses the latest tag`];
    return [];
  },
);
