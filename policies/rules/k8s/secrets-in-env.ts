/**
 * Secrets reach containers as files, not environment variables: no secretKeyRef / secretRef in env, and no
 * literal value in a variable whose name says it is a credential (HF_TOKEN, NGC_API_KEY, ..._PASSWORD).
 */
import type { Rule } from "../../rule.ts";
import { get, objectsIn, type Container } from "../../kube.ts";
import { asArray, asRecord, containerRule } from "./support.ts";

const SECRET_NAME = /(^|_)(TOKEN|PASSWORD|PASSWD|SECRET|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|CREDENTIALS?)($|_)/i;
/** Names that point at a credential rather than hold one (HF_TOKEN_PATH, SECRET_FILE). */
const REFERENCE_NAME = /_(PATH|FILE|DIR|NAME|REF)$/i;

export const secretsInEnv: Rule = containerRule(
  {
    id: "secrets-in-env",
    group: "security",
    severity: "medium",
    description: "Containers must not read Secrets into environment variables, nor carry literal credentials in env.",
    rationale:
      "Environment variables leak: they show up in crash dumps, /proc, logs of misbehaving libraries and `kubectl " +
      "describe`. HF_TOKEN and NGC_API_KEY are commonly passed this way.",
    remediation: "Mount the Secret as a volume (readOnly) and point the application at the file (e.g. HF_TOKEN_PATH).",
  },
  (c) => {
    const out: string[] = [];
    for (const e of objectsIn<NonNullable<Container["env"]>[number]>(c.env)) {
      const ref = get(e, ["valueFrom", "secretKeyRef"]);
      if (ref) out.push(`env ${e.name ?? "<unnamed>"} reads Secret ${String(asRecord(ref)?.name ?? "")}`);
      else if (typeof e.value === "string" && e.value !== "" && SECRET_NAME.test(e.name ?? "") && !REFERENCE_NAME.test(e.name ?? "")) {
        out.push(`env ${e.name ?? ""} holds a literal credential`);
      }
    }
    for (const f of asArray(c.envFrom)) {
      const ref = asRecord(asRecord(f)?.secretRef);
      if (ref) out.push(`envFrom imports Secret ${String(ref.name ?? "")}`);
    }
    return out;
  },
);
