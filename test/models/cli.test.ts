import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Readable, Writable } from "node:stream";
import { after, before, describe, it } from "node:test";
import { main } from "../../platform/cli/main.ts";
import type { CliIO } from "../../platform/cli/io.ts";
import { startRegistry, type TestRegistry } from "../helpers/registry.ts";
import { writeLargeModel, writeTinyModel } from "./fixtures.ts";
import { modelDir, tempDir } from "./helpers.ts";

const BIN = new URL("../../bin/modelplane.js", import.meta.url).pathname;

interface Captured extends CliIO {
  out: () => string;
  err: () => string;
}

function capture(cwd: string, opts: { tty?: boolean; onErrWrite?: (text: string) => void; stdin?: string } = {}): Captured {
  let out = "";
  let err = "";
  const stdout = new Writable({ write: (c, _e, cb) => ((out += c.toString()), cb()) });
  const stderr = Object.assign(
    new Writable({
      write: (c, _e, cb) => {
        err += c.toString();
        opts.onErrWrite?.(c.toString());
        cb();
      },
    }),
    { isTTY: opts.tty ?? false },
  );
  return {
    stdout,
    stderr,
    stdin: Readable.from([opts.stdin ?? ""]),
    cwd,
    env: { HOME: cwd, MODELPLANE_STORE: join(cwd, "store") },
    out: () => out,
    err: () => err,
  };
}

describe("modelplane model (in-process)", () => {
  let reg: TestRegistry;
  let t: ReturnType<typeof tempDir>;
  let src: string;
  before(async () => {
    t = tempDir();
    src = modelDir(t.path);
    reg = await startRegistry();
  });
  after(async () => {
    await reg?.close();
    t?.remove();
  });

  it("pushes to the embedded store by default and prints the digest reference", async () => {
    const io = capture(t.path);
    assert.equal(await main(["model", "push", src, "vad:v1"], io), 0, io.err());
    const ref = io.out().trim();
    assert.match(ref, new RegExp(`^layout:${join(t.path, "store", "vad")}@sha256:[0-9a-f]{64}$`));
    assert.match(io.err(), /pushed 3 file\(s\): 4 blob\(s\) sent/);
    const ls = capture(t.path);
    assert.equal(await main(["model", "ls"], ls), 0);
    assert.equal(ls.out(), "vad\n");
    const tags = capture(t.path);
    assert.equal(await main(["model", "ls", "vad", "--json"], tags), 0);
    assert.deepEqual(JSON.parse(tags.out()).tags, ["v1"]);
    const inspect = capture(t.path);
    assert.equal(await main(["model", "inspect", "vad:v1", "--json"], inspect), 0, inspect.err());
    const info = JSON.parse(inspect.out());
    assert.equal(info.reference, ref);
    assert.deepEqual(info.config.modelplane.outputs, [{ name: "y", dtype: "float32", shape: ["batch", 4] }]);
    const pull = capture(t.path);
    assert.equal(await main(["model", "pull", ref, "pulled"], pull), 0, pull.err());
    assert.deepEqual(readFileSync(join(t.path, "pulled", "tokenizer", "vocab.json")), readFileSync(join(src, "tokenizer", "vocab.json")));
    assert.deepEqual(readdirSync(join(t.path, "pulled")).sort(), ["labels.txt", "model.onnx", "tokenizer"]);
  });

  it("pushes to a registry, skips what is there, and inspects the signature", async () => {
    const target = `oci://${reg.host}/team/vad:v1`;
    const first = capture(t.path);
    assert.equal(await main(["model", "push", src, target, "--insecure", "--json", "--model-version", "1.2.0"], first), 0, first.err());
    const pushed = JSON.parse(first.out());
    assert.match(pushed.reference, new RegExp(`^oci://${reg.host}/team/vad@sha256:`));
    assert.equal(pushed.uploaded.length, 4);
    assert.equal(pushed.config.descriptor.version, "1.2.0");
    const second = capture(t.path);
    assert.equal(await main(["model", "push", src, target, "--insecure", "--json", "--model-version", "1.2.0"], second), 0);
    assert.deepEqual(JSON.parse(second.out()).uploaded, []);

    const text = capture(t.path);
    assert.equal(await main(["model", "inspect", target, "--insecure"], text), 0, text.err());
    assert.match(text.out(), /version: +1\.2\.0/);
    assert.match(text.out(), /format: +onnx/);
    assert.match(text.out(), /inputs:\n  x: float32 \[batch, 4\]/);
    assert.match(text.out(), /tokenizer\/vocab\.json/);
    const json = capture(t.path);
    assert.equal(await main(["model", "inspect", pushed.reference, "--insecure", "--json"], json), 0);
    assert.equal(JSON.parse(json.out()).digest, pushed.digest);
    const catalog = capture(t.path);
    assert.equal(await main(["model", "ls", `oci://${reg.host}`, "--insecure"], catalog), 0, catalog.err());
    assert.equal(catalog.out(), "team/vad\n");
  });

  it("rejects bad usage and bad input with one line and exit 2", async () => {
    writeFileSync(join(t.path, "broken.onnx"), "not a model");
    const cases: [string[], RegExp][] = [
      [["model"], /missing subcommand/],
      [["model", "fly"], /unknown subcommand 'fly'/],
      [["model", "push", src], /missing target reference/],
      [["model", "push", src, "Bad Name"], /invalid repository name/],
      [["model", "push", join(t.path, "broken.onnx"), "x:v1"], /broken\.onnx: not a readable ONNX model/],
      [["model", "push", join(t.path, "absent"), "x:v1"], /absent: no such file or directory/],
      [["model", "push", src, `x@sha256:${"a".repeat(64)}`], /must name a tag, not a digest/],
      [["model", "pull", "x:v1"], /missing target directory/],
      [["model", "ls", "--bogus"], /Unknown option '--bogus'/],
      [["model", "ls", "vad", "--username", "u"], /--password-stdin/],
    ];
    for (const [argv, message] of cases) {
      const io = capture(t.path);
      assert.equal(await main(argv, io), 2, argv.join(" "));
      assert.match(io.err(), message);
      assert.doesNotMatch(io.err(), /\n\s+at /, "no stack trace");
      // One line, except a missing subcommand, which is answered with the usage text.
      if (argv.length > 1) assert.equal(io.err().split("\n").length, 2, `one line: ${JSON.stringify(io.err())}`);
    }
  });

  it("fails with exit 1 and a clear message when the artifact is missing or the registry is down", async () => {
    const missing = capture(t.path);
    assert.equal(await main(["model", "pull", "nothing:v1", "out"], missing), 1);
    assert.match(missing.err(), /tag 'v1' not found|no OCI image layout/);
    const down = capture(t.path);
    assert.equal(await main(["model", "pull", "oci://127.0.0.1:9/x:v1", "out", "--insecure"], down), 1);
    assert.match(down.err(), /^modelplane model: cannot reach registry 127\.0\.0\.1:9: connection refused\n$/);
  });

  it("reports a tampered blob with exit 1 and keeps nothing", async () => {
    const io = capture(t.path);
    assert.equal(await main(["model", "push", src, `oci://${reg.host}/tamper:v1`, "--insecure", "--json"], io), 0);
    const layer = JSON.parse(io.out()).files.find((f: { path: string }) => f.path === "labels.txt");
    const data = reg.blobDataPath(layer.digest);
    writeFileSync(data, readFileSync(data, "utf8").toUpperCase());
    const pull = capture(t.path);
    assert.equal(await main(["model", "pull", `oci://${reg.host}/tamper:v1`, "tampered", "--insecure"], pull), 1);
    assert.match(pull.err(), new RegExp(`digest mismatch for labels\\.txt .*expected ${layer.digest}, got sha256:`));
    assert.deepEqual(readdirSync(join(t.path, "tampered")), []);
  });

  it("fails cleanly when the registry is stopped during a pull (progress on a terminal)", async () => {
    const big = join(t.path, "big.onnx");
    await writeLargeModel(big, 48_000_000);
    const push = capture(t.path);
    assert.equal(await main(["model", "push", big, `oci://${reg.host}/big:v1`, "--insecure"], push), 0, push.err());
    let killed = false;
    // The bar's first frame is drawn once the manifest is in and the blob is about to stream.
    const io = capture(t.path, {
      tty: true,
      onErrWrite: (s) => {
        if (s.includes("pulling big [") && !killed) {
          killed = true;
          void reg.stop();
        }
      },
    });
    const code = await main(["model", "pull", `oci://${reg.host}/big:v1`, "big-out", "--insecure"], io);
    assert.ok(killed);
    assert.equal(code, 1);
    assert.match(io.err(), /\rpulling big \[-+\]   0%/);
    assert.match(io.err(), /modelplane model: cannot reach registry 127\.0\.0\.1:\d+: /);
    assert.deepEqual(readdirSync(join(t.path, "big-out")), []);
    await reg.start();
  });

  it("reads the password from stdin for a registry with basic auth", async () => {
    const secured = await startRegistry({ auth: "htpasswd", users: { bob: "s3cret" } });
    try {
      const denied = capture(t.path);
      assert.equal(await main(["model", "push", src, `oci://${secured.host}/p:v1`, "--insecure"], denied), 1);
      assert.match(denied.err(), /authentication required/);
      const io = capture(t.path, { stdin: "s3cret\n" });
      assert.equal(await main(["model", "push", src, `oci://${secured.host}/p:v1`, "--insecure", "--username", "bob", "--password-stdin"], io), 0, io.err());
    } finally {
      await secured.close();
    }
  });
});

describe("modelplane model (real process)", () => {
  it("pushes, pulls and reports exit codes as a user sees them", () => {
    const t = tempDir();
    try {
      const file = join(t.path, "m.onnx");
      writeTinyModel(file);
      const env = { ...process.env, MODELPLANE_STORE: join(t.path, "store") };
      const run = (...args: string[]) => spawnSync(process.execPath, [BIN, "model", ...args], { cwd: t.path, env, encoding: "utf8" });
      const push = run("push", file, "m:v1");
      assert.equal(push.status, 0, push.stderr);
      const ref = push.stdout.trim();
      const pull = run("pull", ref, "out", "--json");
      assert.equal(pull.status, 0, pull.stderr);
      assert.deepEqual(JSON.parse(pull.stdout).files, ["m.onnx"]);
      assert.deepEqual(readFileSync(join(t.path, "out", "m.onnx")), readFileSync(file));
      assert.equal(pull.stderr, "", "no progress bar when not on a terminal");
      const bad = run("pull", "m@sha256:xyz", "out");
      assert.equal(bad.status, 2);
      assert.equal(bad.stderr, "modelplane model: 'm@sha256:xyz': invalid digest 'sha256:xyz' (expected sha256:<64 hex>)\n");
      assert.equal(existsSync(join(t.path, "store", "m", "index.json")), true);
    } finally {
      t.remove();
    }
  });
});
