import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from "yaml";
import type { SpecError } from "./errors.ts";
import type { PathSegment } from "./path.ts";

export interface Position {
  line: number;
  col: number;
}

/**
 * A YAML file kept with its node ranges, so a field path can be turned back into the line and column a user
 * wrote it at. Pulumi stack files are single YAML documents.
 */
export class YamlSource {
  private constructor(
    readonly file: string,
    readonly doc: Document.Parsed,
    private readonly lines: LineCounter,
  ) {}

  static parse(file: string, text: string): YamlSource {
    const lines = new LineCounter();
    // uniqueKeys: a key written twice is an error, as it is for Pulumi (the second would silently win).
    const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true, merge: true });
    return new YamlSource(file, doc, lines);
  }

  /** Syntax errors, one per problem, at their position; the message without yaml's source excerpt. */
  syntaxErrors(): SpecError[] {
    return this.doc.errors.map((e) => {
      const { line, col } = this.lines.linePos(e.pos[0]);
      const message = e.message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "");
      return { file: this.file, line, col, path: "", message: `invalid YAML: ${message}` };
    });
  }

  /** The document as plain data (aliases expanded). */
  toJS(): unknown {
    return this.doc.toJS({ maxAliasCount: 1000 });
  }

  /**
   * Where the field at `path` (from the document root) was written: the key of a mapping entry, the start of
   * a list item. When the field is missing, where its nearest existing parent was written.
   */
  locate(path: readonly PathSegment[]): Position {
    let node: unknown = this.doc.contents;
    let at: Position = this.position(node) ?? { line: 1, col: 1 };
    for (const seg of path) {
      if (isAlias(node)) node = node.resolve(this.doc);
      if (isMap(node)) {
        const pair = node.items.find((p) => (isScalar(p.key) ? String(p.key.value) : String(p.key)) === String(seg));
        if (!pair) return at;
        at = this.position(pair.key) ?? at;
        node = pair.value;
      } else if (isSeq(node) && typeof seg === "number") {
        const item = node.items[seg];
        if (item === undefined) return at;
        at = this.position(item) ?? at;
        node = item;
      } else {
        return at;
      }
    }
    return at;
  }

  private position(node: unknown): Position | undefined {
    const range = (node as Node | null)?.range;
    return range ? this.lines.linePos(range[0]) : undefined;
  }
}
