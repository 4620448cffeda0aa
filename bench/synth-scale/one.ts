/** One measurement in a fresh process (so peak RSS is this size's alone): node --import tsx one.ts N */
import { ModelPlatform } from "../../components/ModelPlatform.ts";
import { captureProgram } from "../../platform/engine/capture.ts";
import { renderResources } from "../../platform/engine/manifests.ts";
import { resolveSpec } from "../../platform/spec/index.ts";
import { generatedPlatform } from "./platform.ts";

const models = Number(process.argv[2] ?? 10);
const spec = resolveSpec(generatedPlatform(models), { stack: "prod" });
const start = performance.now();
const { resources } = await captureProgram(() => { new ModelPlatform("modelplane", { spec }); }, { project: "modelplane", stack: "prod", preview: true, config: {} });
const synthMs = performance.now() - start;
const files = renderResources(resources);
const totalMs = performance.now() - start;
process.stdout.write(JSON.stringify({ models, resources: resources.length, files: files.length, synthMs, totalMs, maxRssKb: process.resourceUsage().maxRSS }) + "\n");
