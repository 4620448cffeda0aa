/**
 * Push and pull throughput of a 200 MB model through platform/models, against curl
 * moving the same blob to and from the same registry in the same run.
 *
 *   node --import tsx bench/artifacts/run.ts [--mb 200] [--rounds 3]
 *
 *   [--chunk-mb N]   PATCH chunk size for the upload (default the client's 64 MiB)
 *
 * Prints MB/s for each and the ratio ours/curl (aim: >= 0.8). "push (model)" is the
 * whole `model push`: hashing the file, reading the ONNX signature, HEAD, upload,
 * manifest. "push (blob)" and "pull" compare the transfer alone. Our pull verifies
 * the digest while it streams, curl's does not: "curl pull+sha256" (curl, then
 * `openssl dgst -sha256` on the file) is the baseline for a verified pull. Not sha256sum:
 * coreutils hashes ~7x slower than the OpenSSL SHA-256 node uses, which flattered the ratio.
 */
import { execFileSync } from "node:child_process";
import { rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { buildArtifact } from "../../platform/models/artifact.ts";
import { pullArtifact } from "../../platform/models/pull.ts";
import { pushModel } from "../../platform/models/push.ts";
import { RegistryClient } from "../../platform/models/registry-client.ts";
import { startRegistry } from "../../test/helpers/registry.ts";
import { writeLargeModel } from "../../test/models/fixtures.ts";
import { tempDir } from "../../test/models/helpers.ts";

const { values } = parseArgs({
  options: { mb: { type: "string", default: "200" }, rounds: { type: "string", default: "3" }, "chunk-mb": { type: "string" } },
});
const bytes = Number(values.mb) * 1_000_000;
const rounds = Number(values.rounds);

const t = tempDir("mp-bench-artifacts-");
const reg = await startRegistry();
// --chunk-mb: PATCH chunk size (default the client's own, 64 MB); larger than the model means one PUT.
const chunkSize = values["chunk-mb"] ? Number(values["chunk-mb"]) * 1_000_000 : undefined;
const client = new RegistryClient(reg.host, { insecure: true, ...(chunkSize ? { chunkSize } : {}) });
try {
  const file = join(t.path, "model.onnx");
  await writeLargeModel(file, bytes);
  const size = statSync(file).size;
  const artifact = await buildArtifact(file, { name: "bench" });
  const blob = artifact.files[0]!;
  const base = `http://${reg.host}`;

  const curlPush = (repo: string) => {
    const headers = execFileSync("curl", ["-sS", "-D", "-", "-o", "/dev/null", "-X", "POST", `${base}/v2/${repo}/blobs/uploads/`], { encoding: "utf8" });
    const loc = /^location:\s*(\S+)/im.exec(headers)?.[1];
    if (!loc) throw new Error(`no Location in:\n${headers}`);
    const url = new URL(loc, base);
    url.searchParams.set("digest", blob.digest);
    // -T streams the file (--data-binary @file would read it all into memory first).
    const code = execFileSync("curl", ["-sS", "-o", "/dev/null", "-w", "%{http_code}", "-X", "PUT", "-H", "Content-Type: application/octet-stream", "-T", file, url.href], { encoding: "utf8" });
    if (code !== "201") throw new Error(`curl PUT answered ${code}`);
  };
  const curlPull = (repo: string, out: string) => {
    execFileSync("curl", ["-sS", "--fail", "-o", out, `${base}/v2/${repo}/blobs/${blob.digest}`]);
  };

  const timings: Record<string, number[]> = {
    "push (model)": [], "push (blob)": [], "curl push": [], pull: [], "curl pull": [], "curl pull+sha256": [],
  };
  const time = async (key: string, fn: () => unknown) => {
    const t0 = process.hrtime.bigint();
    await fn();
    timings[key]!.push(Number(process.hrtime.bigint() - t0) / 1e9);
  };
  for (let i = 0; i < rounds; i++) {
    // Fresh repositories each round: nothing is skipped as already present.
    await time("curl push", () => curlPush(`curl/r${i}`));
    await time("push (blob)", () => client.pushBlob(`blob/r${i}`, blob));
    await time("push (model)", () => pushModel(file, client, `model/r${i}`, { name: "bench", tag: "v1" }));
    const curlOut = join(t.path, `curl-${i}`);
    await time("curl pull", () => curlPull(`curl/r${i}`, curlOut));
    rmSync(curlOut);
    await time("curl pull+sha256", () => {
      curlPull(`curl/r${i}`, curlOut);
      const sum = execFileSync("openssl", ["dgst", "-sha256", "-r", curlOut], { encoding: "utf8" }).split(" ")[0];
      if (`sha256:${sum}` !== blob.digest) throw new Error("curl pulled different bytes");
    });
    rmSync(curlOut);
    const ours = join(t.path, `ours-${i}`);
    await time("pull", () => pullArtifact(client, `model/r${i}`, "v1", ours));
    rmSync(ours, { recursive: true });
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const mbps = (key: string) => size / 1e6 / median(timings[key]!);
  console.log(`model ${(size / 1e6).toFixed(0)} MB, ${rounds} rounds, medians; registry ${reg.host} (docker-registry, filesystem storage)`);
  for (const key of Object.keys(timings)) console.log(`  ${key.padEnd(17)} ${median(timings[key]!).toFixed(3)} s  ${mbps(key).toFixed(0).padStart(5)} MB/s`);
  console.log(`ratio push (blob)  / curl push: ${(mbps("push (blob)") / mbps("curl push")).toFixed(2)}`);
  console.log(`ratio push (model) / curl push: ${(mbps("push (model)") / mbps("curl push")).toFixed(2)}`);
  console.log(`ratio pull (verified) / curl pull: ${(mbps("pull") / mbps("curl pull")).toFixed(2)}`);
  console.log(`ratio pull (verified) / curl pull+sha256: ${(mbps("pull") / mbps("curl pull+sha256")).toFixed(2)}`);
} finally {
  client.close();
  await reg.close();
  t.remove();
}
