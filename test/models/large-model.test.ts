import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { digestFile } from "../../platform/models/digest.ts";
import { startRegistry, type TestRegistry } from "../helpers/registry.ts";
import { writeLargeModel, writeTinyModel } from "./fixtures.ts";
import { tempDir } from "./helpers.ts";

const BIN = new URL("../../bin/modelplane.js", import.meta.url).pathname;
/** Reports the process's peak resident set size (KiB) on stderr as it exits. */
const REPORT_RSS = 'data:text/javascript,process.on("exit",()=>process.stderr.write("\\nmaxrss="+process.resourceUsage().maxRSS+"\\n"))';
const MODEL_BYTES = 160_000_000;
/** Generous: streaming keeps it near 35 MB whatever the model size; loading the model would cost 160 MB. */
const EXTRA_BOUND_KIB = 64 * 1024;

function cli(args: string[], cwd: string): { status: number | null; stdout: string; stderr: string; maxRssKiB: number } {
  const r = spawnSync(process.execPath, ["--import", REPORT_RSS, BIN, "model", ...args], { cwd, encoding: "utf8" });
  const m = /maxrss=(\d+)/.exec(r.stderr);
  assert.ok(m, r.stderr);
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, maxRssKiB: Number(m[1]) };
}

describe("a model larger than 100 MB", () => {
  let reg: TestRegistry;
  let t: ReturnType<typeof tempDir>;
  before(async () => {
    t = tempDir();
    reg = await startRegistry();
  });
  after(async () => {
    await reg?.close();
    t?.remove();
  });

  it("pushes and pulls with peak memory far below its size", async () => {
    const tiny = join(t.path, "tiny.onnx");
    writeTinyModel(tiny);
    const big = join(t.path, "big.onnx");
    await writeLargeModel(big, MODEL_BYTES);
    // Baseline: the same commands on a 134-byte model (node, tsx and the CLI themselves).
    const basePush = cli(["push", tiny, `oci://${reg.host}/tiny:v1`, "--insecure"], t.path);
    assert.equal(basePush.status, 0, basePush.stderr);
    const basePull = cli(["pull", basePush.stdout.trim(), "tiny-out", "--insecure"], t.path);
    assert.equal(basePull.status, 0, basePull.stderr);

    const push = cli(["push", big, `oci://${reg.host}/big:v1`, "--insecure"], t.path);
    assert.equal(push.status, 0, push.stderr);
    const pull = cli(["pull", push.stdout.trim(), "big-out", "--insecure"], t.path);
    assert.equal(pull.status, 0, pull.stderr);
    assert.deepEqual(await digestFile(join(t.path, "big-out", "big.onnx")), await digestFile(big));

    const pushExtra = push.maxRssKiB - basePush.maxRssKiB;
    const pullExtra = pull.maxRssKiB - basePull.maxRssKiB;
    console.log(`peak RSS: push ${push.maxRssKiB} KiB (+${pushExtra} over a tiny model), pull ${pull.maxRssKiB} KiB (+${pullExtra}); model ${MODEL_BYTES / 1024} KiB`);
    assert.ok(pushExtra < EXTRA_BOUND_KIB, `push used ${pushExtra} KiB more than for a tiny model`);
    assert.ok(pullExtra < EXTRA_BOUND_KIB, `pull used ${pullExtra} KiB more than for a tiny model`);
  });
});
