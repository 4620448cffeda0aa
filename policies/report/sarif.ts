/**
 * SARIF 2.1.0 for code-scanning upload. Only findings are results (failures, and exemptions as suppressed
 * results); passes are not. Mandatory failures are `error`, advisory ones `warning`. Objects from files point at
 * their file and line; every result also names its object as a logical location (and its URN for stacks).
 */
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { CheckReport, CheckResult } from "../check.ts";
import { EXEMPTION_EXPIRED_INFO } from "../exemptions.ts";
import { rules as allRules } from "../registry.ts";
import type { Rule } from "../rule.ts";

export const SARIF_SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json";

type RuleInfo = Pick<Rule, "id" | "group" | "severity" | "description" | "rationale" | "remediation">;

export interface SarifOptions {
  rules?: readonly RuleInfo[];
  toolVersion?: string;
}

function level(r: CheckResult): "error" | "warning" | "note" {
  if (r.verdict === "exempt") return "note";
  return r.enforcement === "mandatory" ? "error" : "warning";
}

/**
 * A path usable as a SARIF artifact URI: relative paths stay relative (code scanning resolves them against the
 * repository root), absolute ones become file: URIs (a bare "/tmp/x" is not an absolute URI), stdin has none.
 */
function artifactUri(file: string): string | undefined {
  if (file.startsWith("<")) return undefined;
  if (path.isAbsolute(file)) return pathToFileURL(file).href;
  return file.split(/[\\/]/).map(encodeURIComponent).join("/");
}

/** GitHub code scanning ranks security findings by `security-severity` (0–10) on rules tagged "security". */
const SECURITY_SEVERITY: Record<RuleInfo["severity"], string> = { high: "8.0", medium: "5.5", low: "3.0" };

/** The stack a report is about (`checkStack` / `checkSynth` add it), if any. */
function stackOf(report: CheckReport): string | undefined {
  const stack = (report as CheckReport & { stack?: unknown }).stack;
  return typeof stack === "string" ? stack : undefined;
}

function ruleProperties(r: RuleInfo): Record<string, unknown> {
  const security = r.group === "security" || r.group === "supply-chain";
  return {
    group: r.group,
    severity: r.severity,
    tags: [...new Set(security ? ["security", r.group] : [r.group])],
    ...(security ? { "security-severity": SECURITY_SEVERITY[r.severity] } : {}),
  };
}

export function renderSarif(report: CheckReport, opts: SarifOptions = {}): string {
  const infos: RuleInfo[] = [...(opts.rules ?? allRules), EXEMPTION_EXPIRED_INFO];
  const index = new Map(infos.map((r, i) => [r.id, i]));
  const findings = report.results.filter((r) => r.verdict === "fail" || r.verdict === "exempt");
  const log = {
    $schema: SARIF_SCHEMA_URI,
    version: "2.1.0",
    runs: [
      {
        // Each stack is its own code-scanning category, so uploading dev, staging and prod for one commit keeps all three.
        ...(stackOf(report) ? { automationDetails: { id: `modelplane/stack/${stackOf(report)}/` } } : {}),
        tool: {
          driver: {
            name: "modelplane",
            ...(opts.toolVersion ? { version: opts.toolVersion } : {}),
            rules: infos.map((r) => ({
              id: r.id,
              shortDescription: { text: r.description },
              fullDescription: { text: r.rationale },
              help: { text: r.remediation },
              properties: ruleProperties(r),
            })),
          },
        },
        results: findings.map((r) => {
          const ns = r.resource.namespace ? `${r.resource.namespace}/` : "";
          const name = `${r.resource.kind}/${ns}${r.resource.name}`;
          const uri = r.source ? artifactUri(r.source.file) : undefined;
          const location: Record<string, unknown> = {
            logicalLocations: [{ fullyQualifiedName: r.urn ?? name, name, kind: "resource" }],
          };
          if (uri && r.source) {
            // Code scanning needs a region on every result; a stack's objects have no line of their own, so the
            // finding points at the top of the stack file.
            location.physicalLocation = { artifactLocation: { uri }, region: { startLine: Math.max(1, r.source.line) } };
          }
          return {
            ruleId: r.rule,
            ...(index.has(r.rule) ? { ruleIndex: index.get(r.rule) } : {}),
            level: level(r),
            message: { text: `${name}: ${r.message ?? r.rule}` },
            locations: [location],
            properties: { enforcement: r.enforcement, ...(r.unknown ? { unknownDuringPreview: true } : {}) },
            ...(r.verdict === "exempt" && r.exemption
              ? {
                  suppressions: [
                    {
                      kind: "external",
                      status: "accepted",
                      justification: `${r.exemption.reason} (owner ${r.exemption.owner}, expires ${r.exemption.expires})`,
                    },
                  ],
                }
              : {}),
          };
        }),
      },
    ],
  };
  return JSON.stringify(log, null, 2) + "\n";
}
