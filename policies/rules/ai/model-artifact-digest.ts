/** Model artifacts are referenced by digest. */
import type { Rule } from "../../rule.ts";
import { NOT_APPLICABLE } from "../../rule.ts";
import { podRule } from "../k8s/support.ts";
import { hasValidDigest, parseImage } from "../k8s/image-ref.ts";
import { isLocalPath, modelRefsOf } from "./support.ts";

export const modelArtifactDigest: Rule = podRule(
  {
    id: "model-artifact-digest",
    group: "supply-chain",
    severity: "high",
    description:
      "Model artifacts a server is started with (--model NAME=REF, MODELPLANE_MODEL_* env) are OCI references " +
      "pinned by digest (@sha256:...).",
    rationale:
      "A tag can be re-pushed: replicas started a day apart would serve different weights, a rollback would not " +
      "roll back, and nobody could say which model answered a request. A digest is the model's identity.",
    remediation: "Reference the artifact as registry/repo@sha256:<digest> (`modelplane model push` prints it).",
  },
  (pod) => {
    const refs = modelRefsOf(pod);
    if (refs.length === 0) return NOT_APPLICABLE;
    return refs.flatMap((r) => {
      if (isLocalPath(r.reference)) return [`container "${r.container}" ${r.where}: a local path, not a digest-pinned artifact`];
      return hasValidDigest(parseImage(r.reference)) ? [] : [`container "${r.container}" ${r.where}: not pinned by digest`];
    });
  },
);
