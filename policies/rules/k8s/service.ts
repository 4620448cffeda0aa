/**
 * Service exposure:
 * - service-type: only the allowed Service types (default ClusterIP; traffic enters through an Ingress/Gateway);
 * - service-external-ips: no spec.externalIPs (CVE-2020-8554: any Service can capture traffic to any IP).
 */
import type { Rule } from "../../rule.ts";
import { get } from "../../kube.ts";
import { asArray } from "./support.ts";

export const serviceType: Rule = {
  id: "service-type",
  group: "security",
  severity: "medium",
  description: "Services must be of an allowed type (default: ClusterIP only, no NodePort or LoadBalancer).",
  rationale:
    "NodePort and LoadBalancer Services expose the model server outside the cluster, past the gateway that " +
    "authenticates, rate-limits and records requests.",
  remediation: "Use a ClusterIP Service and publish it through the Gateway (HTTPRoute) or an Ingress.",
  kinds: ["Service"],
  needsInventory: false,
  configSchema: {
    allowedTypes: {
      type: "array",
      items: { type: "string", enum: ["ClusterIP", "NodePort", "LoadBalancer", "ExternalName"] },
      default: ["ClusterIP"],
      description: "Service types allowed.",
    },
  },
  validate(obj, ctx) {
    const allowed = (ctx.config.allowedTypes as string[] | undefined) ?? ["ClusterIP"];
    const type = String(get(obj, ["spec", "type"]) ?? "ClusterIP");
    return allowed.includes(type) ? [] : [`type ${type} is not allowed (allowed: ${allowed.join(", ")})`];
  },
};

export const serviceExternalIps: Rule = {
  id: "service-external-ips",
  group: "security",
  severity: "high",
  description: "Services must not set spec.externalIPs.",
  rationale:
    "externalIPs let a Service claim traffic for arbitrary addresses (CVE-2020-8554), a man-in-the-middle inside the " +
    "cluster; nothing modelplane runs needs them.",
  remediation: "Remove spec.externalIPs; use a LoadBalancer or Gateway managed by the platform team.",
  kinds: ["Service"],
  needsInventory: false,
  validate(obj) {
    const ips = asArray(get(obj, ["spec", "externalIPs"]));
    return ips.length === 0 ? [] : [`sets externalIPs ${ips.map(String).join(", ")}`];
  },
};
