/** Alertmanager routing from modelplane's receiver list: each receiver gets the alerts at or above its severity. */
import { ArgumentError } from "./errors.ts";

export interface AlertReceiverArgs {
  name: string;
  /** slack | pagerduty | webhook | email */
  type: string;
  target: string;
  /** critical | warning | info */
  severity: string;
}

const SEVERITIES = ["critical", "warning", "info"];

function receiverConfig(r: AlertReceiverArgs): Record<string, unknown> {
  switch (r.type) {
    case "slack":
      return { name: r.name, slack_configs: [{ api_url: r.target, send_resolved: true, title: "{{ .CommonAnnotations.summary }}" }] };
    case "pagerduty":
      return { name: r.name, pagerduty_configs: [{ routing_key: r.target, send_resolved: true }] };
    case "webhook":
      return { name: r.name, webhook_configs: [{ url: r.target, send_resolved: true }] };
    case "email":
      return { name: r.name, email_configs: [{ to: r.target, send_resolved: true }] };
    default:
      throw new ArgumentError(`monitoring.alertReceivers[${r.name}].type: must be slack, pagerduty, webhook or email, got '${r.type}'`);
  }
}

export function alertmanagerConfig(receivers: AlertReceiverArgs[]): Record<string, unknown> {
  for (const r of receivers) {
    if (!SEVERITIES.includes(r.severity)) throw new ArgumentError(`monitoring.alertReceivers[${r.name}].severity: must be one of ${SEVERITIES.join(", ")}`);
  }
  const atOrAbove = (s: string) => SEVERITIES.slice(0, SEVERITIES.indexOf(s) + 1);
  return {
    global: { resolve_timeout: "5m" },
    route: {
      receiver: "null",
      group_by: ["namespace", "alertname", "model"],
      group_wait: "30s",
      group_interval: "5m",
      repeat_interval: "4h",
      routes: receivers.map((r) => ({
        receiver: r.name,
        matchers: [`severity=~"${atOrAbove(r.severity).join("|")}"`],
        continue: true,
      })),
    },
    receivers: [{ name: "null" }, ...receivers.map(receiverConfig)],
  };
}
