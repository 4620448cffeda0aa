/**
 * The KEDA operator, installed once per cluster when some model scales with KEDA: without it a ScaledObject
 * is an inert object and the model never scales.
 */
import type * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { KEDA, helmRelease } from "./charts.ts";

export const KEDA_NAMESPACE = "keda";

export function kedaOperator(
  name: string,
  labels: pulumi.Input<Record<string, string>>,
  opts: pulumi.ComponentResourceOptions,
): pulumi.Resource[] {
  const ns = new k8s.core.v1.Namespace(`${name}-keda-namespace`, { metadata: { name: KEDA_NAMESPACE, labels } }, opts);
  const release = helmRelease(`${name}-keda`, KEDA, { release: "keda", namespace: ns.metadata.name, values: {} }, { ...opts, dependsOn: [ns] });
  return [ns, release];
}
