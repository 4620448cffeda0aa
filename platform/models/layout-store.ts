import { randomBytes } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdir, readFile, readdir, rename, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { DigestMismatchError, digestHex, digestOf, isDigest } from "./digest.ts";
import { InvalidArtifactError, NotFoundError } from "./errors.ts";
import { ANNOTATION_REF_NAME, OCI_INDEX, OCI_MANIFEST } from "./media-types.ts";
import type { ArtifactStore, BlobSource, Descriptor, Progress, StoredManifest } from "./store.ts";
import { withFileLock } from "./file-lock.ts";
import { writeVerified } from "./verify.ts";

interface LayoutIndex {
  schemaVersion: 2;
  mediaType?: string;
  manifests: Descriptor[];
}

/**
 * An OCI image-layout folder (`oci-layout`, `index.json`, `blobs/sha256/<hex>`): the
 * embedded store that needs no server. One layout holds one repository; tags are the
 * `org.opencontainers.image.ref.name` annotations of index.json entries, as oras and skopeo write them.
 */
export class LayoutStore implements ArtifactStore {
  readonly location: string;

  constructor(readonly dir: string) {
    this.location = `layout ${dir}`;
  }

  blobPath(digest: string): string {
    return join(this.dir, "blobs", "sha256", digestHex(digest));
  }

  async hasBlob(_repo: string, digest: string): Promise<boolean> {
    try {
      return (await stat(this.blobPath(digest))).isFile();
    } catch {
      return false;
    }
  }

  /** Copies while hashing: a source file changed since it was digested is caught here. */
  async pushBlob(_repo: string, blob: BlobSource, onProgress?: Progress, signal?: AbortSignal): Promise<void> {
    await this.init();
    await writeVerified(blob.open(0, blob.size), this.blobPath(blob.digest), blob, `blob ${blob.digest}`, onProgress, signal);
  }

  async fetchBlob(_repo: string, desc: Descriptor): Promise<Readable> {
    const path = this.blobPath(desc.digest);
    try {
      await stat(path);
    } catch {
      throw new NotFoundError(`blob ${desc.digest} not found in ${this.location}`);
    }
    return createReadStream(path, { highWaterMark: 1 << 20 });
  }

  async putManifest(_repo: string, tag: string | undefined, bytes: Buffer, mediaType: string): Promise<string> {
    await this.init();
    const digest = digestOf(bytes);
    const path = this.blobPath(digest);
    await writeAtomic(path, bytes);
    const parsed = JSON.parse(bytes.toString("utf8")) as { artifactType?: string };
    const entry: Descriptor = { mediaType, digest, size: bytes.length };
    if (parsed.artifactType) entry.artifactType = parsed.artifactType;
    if (tag) entry.annotations = { [ANNOTATION_REF_NAME]: tag };
    const indexPath = join(this.dir, "index.json");
    await withFileLock(indexPath, async () => {
      const index = await this.readIndex();
      // A tag moves to the new manifest; an untagged manifest stays listed so it is never garbage.
      index.manifests = index.manifests.filter((m) =>
        tag ? m.annotations?.[ANNOTATION_REF_NAME] !== tag : !(m.digest === digest && !m.annotations?.[ANNOTATION_REF_NAME]),
      );
      index.manifests.push(entry);
      await writeAtomic(indexPath, Buffer.from(JSON.stringify(index, null, 2) + "\n"));
    });
    return digest;
  }

  async getManifest(_repo: string, reference: string): Promise<StoredManifest> {
    let digest = reference;
    let mediaType = OCI_MANIFEST;
    if (!isDigest(reference)) {
      const index = await this.readIndex(true);
      const entry = index.manifests.find((m) => m.annotations?.[ANNOTATION_REF_NAME] === reference);
      if (!entry) throw new NotFoundError(`tag '${reference}' not found in ${this.location}`);
      digest = entry.digest;
      mediaType = entry.mediaType;
    }
    let bytes: Buffer;
    try {
      bytes = await readFile(this.blobPath(digest));
    } catch {
      throw new NotFoundError(`manifest ${digest} not found in ${this.location}`);
    }
    const actual = digestOf(bytes);
    if (actual !== digest) throw new DigestMismatchError(digest, actual, `manifest in ${this.location}`);
    return { bytes, digest, mediaType };
  }

  async listTags(): Promise<string[]> {
    const index = await this.readIndex(true);
    return index.manifests.flatMap((m) => m.annotations?.[ANNOTATION_REF_NAME] ?? []);
  }

  explain(err: unknown): unknown {
    return err;
  }

  close(): void {}

  private async init(): Promise<void> {
    await mkdir(join(this.dir, "blobs", "sha256"), { recursive: true });
    try {
      await stat(join(this.dir, "oci-layout"));
    } catch {
      await writeAtomic(join(this.dir, "oci-layout"), Buffer.from('{"imageLayoutVersion":"1.0.0"}\n'));
    }
    try {
      await stat(join(this.dir, "index.json"));
    } catch {
      await writeAtomic(join(this.dir, "index.json"), Buffer.from(JSON.stringify(emptyIndex(), null, 2) + "\n"));
    }
  }

  private async readIndex(mustExist = false): Promise<LayoutIndex> {
    let text: string;
    try {
      text = await readFile(join(this.dir, "index.json"), "utf8");
    } catch {
      if (mustExist) throw new NotFoundError(`no OCI image layout at ${this.dir} (index.json missing)`);
      return emptyIndex();
    }
    try {
      const index = JSON.parse(text) as LayoutIndex;
      if (!Array.isArray(index.manifests)) throw new Error("manifests is not an array");
      return index;
    } catch (err) {
      throw new InvalidArtifactError(`${join(this.dir, "index.json")}: invalid image index (${(err as Error).message})`);
    }
  }
}

function emptyIndex(): LayoutIndex {
  return { schemaVersion: 2, mediaType: OCI_INDEX, manifests: [] };
}

/** Readers never see half a file: write beside it, then rename over it. */
async function writeAtomic(path: string, bytes: Buffer): Promise<void> {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  await writeFile(tmp, bytes);
  await rename(tmp, path);
}

/** Repositories of the embedded store: sub-folders (nested too) that hold an `oci-layout` file. */
export async function listLayoutRepositories(storeDir: string): Promise<string[]> {
  const out: string[] = [];
  async function walk(dir: string, prefix: string): Promise<void> {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    if (entries.some((e) => e.isFile() && e.name === "oci-layout")) {
      out.push(prefix);
      return;
    }
    for (const e of entries) if (e.isDirectory()) await walk(join(dir, e.name), prefix ? `${prefix}/${e.name}` : e.name);
  }
  await walk(storeDir, "");
  return out.sort();
}
