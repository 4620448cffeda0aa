/**
 * The one place labels are decided. Every object a component emits carries the recommended
 * `app.kubernetes.io/*` labels; selectors use only the stable subset so a version bump never orphans pods.
 */
import * as pulumi from "@pulumi/pulumi";

export const PART_OF = "modelplane";
export const MANAGED_BY = "pulumi";

/** Label on inference Services: the ServiceMonitor and policies find model servers by it. */
export const COMPONENT_INFERENCE = "inference";

export interface LabelArgs {
  /** app.kubernetes.io/name: what the thing is (e.g. `modelplane-inference`, `registry`). */
  name: string;
  /** app.kubernetes.io/instance: which one (e.g. the model name). */
  instance: pulumi.Input<string>;
  component: string;
  version?: pulumi.Input<string>;
  extra?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

export function selectorLabels(args: Pick<LabelArgs, "name" | "instance">): pulumi.Output<Record<string, string>> {
  return pulumi.output(args.instance).apply((instance): Record<string, string> => ({
    "app.kubernetes.io/name": args.name,
    "app.kubernetes.io/instance": instance,
  }));
}

export function standardLabels(args: LabelArgs): pulumi.Output<Record<string, string>> {
  return pulumi
    .all([pulumi.output(args.extra ?? {}), args.instance, args.version ?? ""])
    .apply(([extra, instance, version]) => {
      const labels: Record<string, string> = {
        ...(extra as Record<string, string>),
        "app.kubernetes.io/name": args.name,
        "app.kubernetes.io/instance": instance,
        "app.kubernetes.io/component": args.component,
        "app.kubernetes.io/part-of": PART_OF,
        "app.kubernetes.io/managed-by": MANAGED_BY,
      };
      if (version) labels["app.kubernetes.io/version"] = sanitizeLabelValue(version);
      return labels;
    });
}

/** Label values: at most 63 characters of [A-Za-z0-9._-], starting and ending alphanumeric. */
export function sanitizeLabelValue(value: string): string {
  const cleaned = value.replace(/[^A-Za-z0-9._-]/g, "-").slice(0, 63);
  return cleaned.replace(/^[^A-Za-z0-9]+/, "").replace(/[^A-Za-z0-9]+$/, "");
}
