/**
 * The CrossGuard entry: `pulumi preview --policy-pack policies [--policy-pack-config FILE]`. The only file that
 * constructs the PolicyPack (doing so starts the analyzer's gRPC server, which never exits on its own).
 * Write FILE with `modelplane check --stack ENV --emit-pack-config FILE` to get the stack's levels, exemptions
 * and limits; without it every rule runs at its prod default level.
 */
import { PolicyPack } from "@pulumi/policy";
import { buildPolicies } from "./pack-policies.ts";

new PolicyPack("modelplane", {
  description: "modelplane: Kubernetes security, supply chain and reliability, plus GPU, model and SLO rules for AI serving.",
  enforcementLevel: "advisory",
  policies: buildPolicies(),
});
