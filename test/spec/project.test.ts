import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, it } from "node:test";
import { SECRET_PLACEHOLDER } from "../../platform/engine/types.ts";
import { findProjectRoot, loadStack, PLATFORM_KEY, SpecValidationError } from "../../platform/spec/index.ts";
import { cli, tempTree } from "./helpers.ts";

const PROJECT = `name: modelplane
runtime: nodejs
stackConfigDir: cfg
config:
  platform:
    description: the platform
    default:
      labels:
        team: from-project
  kubernetes:namespace:
    value: shared
  modelplane:region: eu-west-1
  modelplane:replicas:
    type: integer
    description: no default here
`;

const DEV = `config:
  modelplane:platform:
    environment: dev
    models:
      - name: m
        artifact: oci://r.example.com/m:1
  kubernetes:namespace: mine
  modelplane:token:
    secure: v1:aaa:bbb
`;

describe("project and stack resolution", () => {
  it("finds Pulumi.yaml from a nested cwd and resolves a stack name in stackConfigDir", () => {
    const t = tempTree({ "Pulumi.yaml": PROJECT, "cfg/Pulumi.dev.yaml": DEV, "sub/dir/.keep": "", "sub/dev/.keep": "" });
    try {
      const cwd = join(t.root, "sub", "dir");
      assert.equal(findProjectRoot(cwd), t.root);
      const loaded = loadStack("dev", { cwd });
      assert.equal(loaded.file, join(t.root, "cfg", "Pulumi.dev.yaml"));
      assert.equal(loaded.stack, "dev");
      // A fully qualified Pulumi stack name reads the same file.
      assert.equal(loadStack("acme/modelplane/dev", { cwd }).file, loaded.file);
      // A folder that happens to be called like the stack does not shadow it.
      assert.equal(loadStack("dev", { cwd: join(t.root, "sub") }).file, loaded.file);
    } finally {
      t.remove();
    }
  });

  it("applies project config defaults under the stack's values, key by key, and replaces secrets", () => {
    const t = tempTree({ "Pulumi.yaml": PROJECT, "cfg/Pulumi.dev.yaml": DEV });
    try {
      const loaded = loadStack("dev", { cwd: t.root });
      assert.deepEqual(Object.keys(loaded.config), ["kubernetes:namespace", "modelplane:platform", "modelplane:region", "modelplane:token"]);
      assert.equal(loaded.config["kubernetes:namespace"], "mine");
      assert.equal(loaded.config["modelplane:region"], "eu-west-1");
      assert.equal(loaded.config["modelplane:token"], SECRET_PLACEHOLDER);
      assert.ok(loaded.secretPaths.includes("modelplane:token"));
      // The stack sets modelplane:platform, so the project's default object is replaced, not merged.
      assert.deepEqual(loaded.spec.labels, {});
    } finally {
      t.remove();
    }
  });

  it("a platform given only as a project default is validated with errors located in Pulumi.yaml", async () => {
    const project = PROJECT.replace("        team: from-project", "        team: from-project\n      namespace: Bad_Name");
    const t = tempTree({ "Pulumi.yaml": project, "cfg/Pulumi.dev.yaml": "config:\n  kubernetes:namespace: x\n" });
    try {
      const run = await cli(["validate", "--stack", "dev"], t.root);
      assert.equal(
        run.stderr,
        `Pulumi.yaml:10:7 namespace: must be a Kubernetes name: lowercase letters, digits and '-', starting and ending with a letter or digit (got "Bad_Name")\n`,
      );
      assert.equal(run.code, 2);
      const ok = tempTree({ "Pulumi.yaml": PROJECT, "cfg/Pulumi.dev.yaml": "" });
      try {
        assert.deepEqual(loadStack("dev", { cwd: ok.root }).spec.labels, { team: "from-project" });
      } finally {
        ok.remove();
      }
    } finally {
      t.remove();
    }
  });

  it("a path is a file wherever it lies; its stack name comes from Pulumi.<name>.yaml", () => {
    const t = tempTree({ "elsewhere/Pulumi.dev-alice.yaml": DEV, "elsewhere/custom.yaml": DEV });
    try {
      const a = loadStack(join(t.root, "elsewhere", "Pulumi.dev-alice.yaml"), { cwd: t.root });
      assert.equal(a.stack, "dev-alice");
      assert.equal(a.spec.environment, "dev");
      const b = loadStack("elsewhere/custom.yaml", { cwd: t.root });
      assert.equal(b.stack, "custom");
      assert.equal(b.config[PLATFORM_KEY] !== undefined, true);
    } finally {
      t.remove();
    }
  });

  it("a stack name without a project is a clear error", async () => {
    const t = tempTree({ "x.txt": "" });
    try {
      if (findProjectRoot(t.root)) return; // a Pulumi.yaml above the temp dir: nothing to test here
      const run = await cli(["validate", "--stack", "dev"], t.root);
      assert.equal(run.stderr, `no Pulumi.yaml in ${t.root} or above, so stack 'dev' cannot be found; pass the stack file's path\n`);
      assert.equal(run.code, 2);
    } finally {
      t.remove();
    }
  });

  it("a broken Pulumi.yaml and odd stack files are errors with positions", () => {
    const t = tempTree({ "Pulumi.yaml": "name: modelplane\nconfig: [\n", "Pulumi.dev.yaml": DEV, "list.yaml": "- a\n- b\n", "cfg.yaml": "config: 3\n" });
    try {
      assert.throws(() => loadStack("dev", { cwd: t.root }), (err: unknown) => {
        assert.ok(err instanceof SpecValidationError);
        assert.match(err.message, /^Pulumi\.yaml:\d+:\d+ invalid YAML: /);
        return true;
      });
      const noProject = tempTree({ "list.yaml": "- a\n- b\n", "cfg.yaml": "config: 3\n", "empty.yaml": "" });
      try {
        const msg = (file: string) => {
          try {
            loadStack(file, { cwd: noProject.root });
          } catch (err) {
            return (err as Error).message;
          }
          return "no error";
        };
        assert.equal(msg("list.yaml"), "list.yaml:1:1 a stack file must be a mapping with a config: block");
        assert.equal(msg("cfg.yaml"), "cfg.yaml:1:1 config: must be a mapping of config keys");
        assert.equal(msg("empty.yaml"), "empty.yaml:1:1 config: modelplane:platform is required");
      } finally {
        noProject.remove();
      }
    } finally {
      t.remove();
    }
  });
});
