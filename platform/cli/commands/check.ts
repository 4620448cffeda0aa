import { readFile, writeFile } from "node:fs/promises";
import * as path from "node:path";
import { parseArgs } from "node:util";
import type { Environment } from "../../spec/types.ts";
import type { Command } from "../command.ts";
import { UsageError } from "../errors.ts";
import { println, type CliIO } from "../io.ts";

const usage = `usage: modelplane check (--stack <name|path> [--preview] | --manifests <file|dir|-> ...) [options]

Checks resources against the policy pack (policies/): the same rules \`pulumi preview --policy-pack policies\` runs.
  --stack <name|path>       run the stack's Pulumi program offline and check every resource it would create,
                            with the stack's environment, enforcement levels, exemptions and limits
  --preview                 judge it as a preview (values computed at deploy are unknown; rules that need one
                            only advise); default is as an update
  --manifests <file|dir|->  check plain YAML (multi-document, List objects; a folder is read recursively;
                            - reads stdin); may be repeated
  --environment <env>       dev | staging | prod: enforcement levels for --manifests (default: prod's)
  --config <file>           per-rule config as JSON, the --policy-pack-config format (a file written by
                            --emit-pack-config also brings the stack's environment and exemptions)
  --format text|json|sarif  report format (default text); json is the API's shape, sarif is SARIF 2.1.0
  --verbose                 text: list passing and not-applicable results too
  --emit-pack-config <file> with --stack: write the --policy-pack-config JSON that gives \`pulumi preview
                            --policy-pack policies\` this stack's levels, exemptions and limits, and exit

exit status: 0 no mandatory violation, 1 mandatory violations, 2 bad input or usage`;

const ENVIRONMENTS: readonly Environment[] = ["dev", "staging", "prod"];
const FORMATS = ["text", "json", "sarif"] as const;
type Format = (typeof FORMATS)[number];

export const command: Command = {
  name: "check",
  summary: "check a stack or plain manifests against the policy pack",
  usage,
  async run(argv, io) {
    const { values, positionals } = parseArgs({
      args: argv,
      options: {
        stack: { type: "string", short: "s" },
        preview: { type: "boolean", default: false },
        manifests: { type: "string", short: "f", multiple: true },
        environment: { type: "string", short: "e" },
        config: { type: "string" },
        format: { type: "string", default: "text" },
        verbose: { type: "boolean", short: "v", default: false },
        "emit-pack-config": { type: "string" },
      },
      allowPositionals: true,
      strict: true,
    });
    if (positionals.length) throw new UsageError(`unexpected argument '${positionals[0]}'\n${usage}`);
    const manifests = values.manifests ?? [];
    if (!values.stack && manifests.length === 0) throw new UsageError(`--stack or --manifests is required\n${usage}`);
    if (values.stack && manifests.length > 0) throw new UsageError("--stack and --manifests cannot be combined");
    if (!FORMATS.includes(values.format as Format)) throw new UsageError(`--format must be one of ${FORMATS.join(", ")}, got '${values.format}'`);
    const env = values.environment;
    if (env !== undefined && !ENVIRONMENTS.includes(env as Environment)) {
      throw new UsageError(`--environment must be one of ${ENVIRONMENTS.join(", ")}, got '${env}'`);
    }
    if (values.stack && env) throw new UsageError("--environment applies to --manifests; a stack has its own environment");
    if (values["emit-pack-config"] && !values.stack) throw new UsageError("--emit-pack-config needs --stack");
    if (values.preview && !values.stack) throw new UsageError("--preview applies to --stack");
    const config = values.config ? await readConfig(values.config, io) : undefined;

    const policies = await import("../../../policies/index.ts");
    const spec = await import("../../spec/index.ts");
    // The Pulumi CLI rejects a --policy-pack-config that does not fit the policies' schemas; so does the offline check.
    const problems = config ? policies.packConfigProblems(config) : [];
    if (problems.length > 0) throw new UsageError(problems.map((p) => `${values.config}: ${p}`).join("\n"));
    let report;
    try {
      if (values.stack) {
        if (values["emit-pack-config"]) {
          const loaded = spec.loadStack(values.stack, { cwd: io.cwd });
          const target = path.resolve(io.cwd, values["emit-pack-config"]);
          await writeFile(target, JSON.stringify(policies.packConfigForSpec(loaded.spec), null, 2) + "\n");
          println(io.stderr, `wrote ${spec.displayFile(target, io.cwd)}: pulumi preview --policy-pack policies --policy-pack-config ${values["emit-pack-config"]}`);
          return 0;
        }
        if (io.stderr.isTTY) println(io.stderr, `synthesizing stack ${values.stack} (${values.preview ? "preview" : "update"})...`);
        report = await policies.checkStack(values.stack, { cwd: io.cwd, preview: values.preview, ...(config ? { config } : {}) });
      } else {
        const loaded = [];
        for (const target of manifests) loaded.push(...(await policies.readManifests(target, { cwd: io.cwd, stdin: io.stdin })));
        // Nothing to judge is bad input, not a clean bill: `helm template … | modelplane check -f -` after a failed
        // render must not pass a CI gate.
        if (loaded.length === 0) throw new UsageError(`no Kubernetes objects in ${manifests.join(", ")}`);
        const sources = new Map(loaded.map((m) => [m.object, m.source]));
        // A config written by --emit-pack-config also carries the stack's environment and exemptions.
        const facts = config ? policies.stackFactsOf(config) : { exemptions: [] };
        const environment = (env as Environment | undefined) ?? facts.environment;
        report = policies.evaluate(loaded.map((m) => m.object), {
          ...(environment ? { environment } : {}),
          ...(config ? { config } : {}),
          exemptions: facts.exemptions,
          sourceOf: (o) => sources.get(o),
        });
      }
    } catch (err) {
      if (err instanceof policies.ManifestError) throw new UsageError(err.message);
      if (err instanceof spec.SpecValidationError) {
        for (const line of err.format(io.cwd)) println(io.stderr, line);
        return 2;
      }
      throw err;
    }

    const format = values.format as Format;
    if (format === "json") io.stdout.write(policies.renderJson(report));
    else if (format === "sarif") io.stdout.write(policies.renderSarif(report));
    else io.stdout.write(policies.renderText(report, { color: useColor(io), verbose: values.verbose }));
    return policies.hasMandatoryViolation(report.results) ? 1 : 0;
  },
};

function useColor(io: CliIO): boolean {
  return io.stdout.isTTY === true && !io.env.NO_COLOR && io.env.TERM !== "dumb";
}

async function readConfig(file: string, io: CliIO): Promise<Record<string, never>> {
  let text: string;
  try {
    text = await readFile(path.resolve(io.cwd, file), "utf8");
  } catch {
    throw new UsageError(`${file}: cannot read`);
  }
  try {
    const value = JSON.parse(text) as unknown;
    if (!value || typeof value !== "object" || Array.isArray(value)) throw new Error("expected an object of rule ids");
    return value as Record<string, never>;
  } catch (err) {
    throw new UsageError(`${file}:1: not a policy config: ${(err as Error).message}`);
  }
}
