/**
 * Ingresses serve HTTPS only: a TLS section covering every host, and plain HTTP explicitly disabled or redirected
 * (controllers differ in their defaults, so the manifest must say it).
 */
import type { Rule } from "../../rule.ts";
import { get } from "../../kube.ts";
import { asArray, asRecord } from "./support.ts";

/** Annotations that switch plain HTTP off (GCE) or redirect it to HTTPS (ingress-nginx, Traefik). */
export const HTTPS_ONLY_ANNOTATIONS: Record<string, string> = {
  "kubernetes.io/ingress.allow-http": "false",
  "nginx.ingress.kubernetes.io/ssl-redirect": "true",
  "nginx.ingress.kubernetes.io/force-ssl-redirect": "true",
  "traefik.ingress.kubernetes.io/router.entrypoints": "websecure",
};

function covers(pattern: string, host: string): boolean {
  if (pattern === host) return true;
  if (pattern.startsWith("*.")) {
    const rest = host.slice(host.indexOf(".") + 1);
    return host.includes(".") && rest === pattern.slice(2);
  }
  return false;
}

export const ingressTls: Rule = {
  id: "ingress-tls",
  group: "security",
  severity: "medium",
  description: "Ingresses must terminate TLS for every host and disable or redirect plain HTTP.",
  rationale: "Prompts and model outputs are user data; over plain HTTP they can be read and altered on the way.",
  remediation:
    'Add spec.tls entries covering every rule host and the annotation kubernetes.io/ingress.allow-http: "false" ' +
    '(or nginx.ingress.kubernetes.io/ssl-redirect: "true").',
  kinds: ["Ingress"],
  needsInventory: false,
  validate(obj) {
    const tls = asArray(get(obj, ["spec", "tls"])).map(asRecord);
    const out: string[] = [];
    if (tls.length === 0) out.push("has no tls section");
    else {
      const tlsHosts = tls.flatMap((t) => asArray(t?.hosts).map(String));
      const hosts = asArray(get(obj, ["spec", "rules"])).map((r) => asRecord(r)?.host).filter((h): h is string => typeof h === "string" && h !== "");
      for (const h of hosts) if (!tlsHosts.some((p) => covers(p, h))) out.push(`host ${h} is not covered by tls`);
    }
    const annotations = obj.metadata?.annotations ?? {};
    const httpsOnly = Object.entries(HTTPS_ONLY_ANNOTATIONS).some(([k, v]) => String(annotations[k] ?? "").toLowerCase() === v);
    if (!httpsOnly) out.push('plain HTTP is not disabled (kubernetes.io/ingress.allow-http: "false" or an ssl-redirect annotation)');
    return out;
  },
};
