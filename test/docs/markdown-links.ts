import { existsSync, readFileSync } from 'node:fs';
import { dirname, posix, relative, resolve, sep } from 'node:path';

/**
 * Relative links in Markdown, checked against the files of the repository: what a reader clicking
 * through the README and docs/ on GitHub would find broken. No Markdown parser is installed, so
 * this reads inline links and images (`[text](target)`, `![alt](target)`) and reference
 * definitions (`[label]: target`), skipping fenced code blocks and inline code spans, and ATX
 * headings (`## Title`) for anchors, slugged the way GitHub does.
 */

export interface MarkdownLink {
  readonly target: string;
  /** 1-based line of the link in its file. */
  readonly line: number;
  readonly image: boolean;
}

/** Where the files a link may point at are read from: the disk, or a test's own files. */
export interface LinkFiles {
  exists(path: string): boolean;
  /** The Markdown text of a file, or undefined when it cannot be read. */
  read(path: string): string | undefined;
}

export const diskFiles: LinkFiles = {
  exists: (path) => existsSync(path),
  read: (path) => {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return undefined;
    }
  },
};

const FENCE = /^ {0,3}(`{3,}|~{3,})/;
const ATX_HEADING = /^ {0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$/;
const REFERENCE_DEFINITION = /^ {0,3}\[([^\]]+)\]:[ \t]*(<[^>]*>|\S+)/;
const HTML_ANCHOR = /<a\s+(?:name|id)\s*=\s*"([^"]+)"/gi;
/**
 * `[text](target "title")` or `![alt](target)`. The text may hold one level of brackets (an
 * image inside a link); the target may be `<...>` or a run without spaces that holds balanced
 * parentheses.
 */
const INLINE_LINK =
  /(!?)\[((?:[^[\]\\]|\\.|\[(?:[^[\]\\]|\\.)*\])*)\]\(\s*(<[^>\n]*>|(?:[^\s()\\]|\\.|\([^\s()]*\))+)(?:\s+(?:"[^"]*"|'[^']*'|\([^)]*\)))?\s*\)/g;
const URL_SCHEME = /^[a-z][a-z0-9+.-]*:/i;

/** The lines of a Markdown text outside fenced code blocks, with their 1-based numbers. */
function proseLines(markdown: string): Array<{ text: string; line: number }> {
  const lines: Array<{ text: string; line: number }> = [];
  let fence: string | undefined;
  markdown.split(/\r?\n/).forEach((text, index) => {
    const opening = FENCE.exec(text);
    if (fence === undefined) {
      if (opening) fence = opening[1];
      else lines.push({ text, line: index + 1 });
    } else if (
      opening &&
      opening[1][0] === fence[0] &&
      opening[1].length >= fence.length &&
      text.trim() === opening[1]
    ) {
      fence = undefined;
    }
  });
  return lines;
}

/** Inline code spans blanked out (same length), so `[a](b)` inside backticks is not a link. */
function withoutCodeSpans(text: string): string {
  return text.replace(/(`+)([\s\S]*?[^`])\1(?!`)/g, (span) => ' '.repeat(span.length));
}

function inlineLinks(text: string, line: number, found: MarkdownLink[]): void {
  for (const match of text.matchAll(INLINE_LINK)) {
    const [, bang, label, rawTarget] = match;
    const target = rawTarget.startsWith('<') ? rawTarget.slice(1, -1) : rawTarget;
    found.push({ target, line, image: bang === '!' });
    // An image inside a link's text: [![alt](image.png)](page.md)
    inlineLinks(label, line, found);
  }
}

/** Every inline link, image and reference definition outside code, in reading order. */
export function extractLinks(markdown: string): MarkdownLink[] {
  const found: MarkdownLink[] = [];
  for (const { text, line } of proseLines(markdown)) {
    const prose = withoutCodeSpans(text);
    const definition = REFERENCE_DEFINITION.exec(prose);
    if (definition) {
      const target = definition[2].replace(/^<|>$/g, '');
      found.push({ target, line, image: false });
      continue;
    }
    inlineLinks(prose, line, found);
  }
  return found;
}

/**
 * GitHub's anchor for a heading (github-slugger): the heading's text, lower case, without
 * punctuation other than `-` and `_`, spaces turned into `-`.
 */
export function githubSlug(heading: string): string {
  const text = heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1') // links and images: their text
    .replace(/<[^>]+>/g, '') // inline HTML
    .replace(/`/g, '')
    .replace(/\*/g, '');
  return text
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

/** The anchors a Markdown text offers: its headings' slugs (repeats get -1, -2, …) and HTML anchors. */
export function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const { text } of proseLines(markdown)) {
    const heading = ATX_HEADING.exec(text);
    if (heading) {
      const slug = githubSlug(heading[2]);
      const repeats = seen.get(slug) ?? 0;
      seen.set(slug, repeats + 1);
      anchors.add(repeats === 0 ? slug : `${slug}-${repeats}`);
    }
    for (const anchor of text.matchAll(HTML_ANCHOR)) anchors.add(anchor[1]);
  }
  return anchors;
}

/**
 * What is wrong with the relative links of one Markdown file: a target that does not exist, or an
 * `#anchor` that names no heading of the Markdown file it points into. Links with a scheme
 * (https:, mailto:) are not followed. `file` is the file's absolute path; `root` the repository,
 * which a target starting with `/` is relative to (as on GitHub).
 */
export function brokenLinks(
  file: string,
  markdown: string,
  root: string,
  files: LinkFiles = diskFiles,
): string[] {
  const problems: string[] = [];
  const where = (link: MarkdownLink) =>
    `${relative(root, file).split(sep).join(posix.sep)}:${link.line}: ${link.image ? 'image' : 'link'} ${link.target}`;
  for (const link of extractLinks(markdown)) {
    if (URL_SCHEME.test(link.target) || link.target.startsWith('//')) continue;
    const hash = link.target.indexOf('#');
    const pathPart = hash === -1 ? link.target : link.target.slice(0, hash);
    let path: string;
    let anchor: string | undefined;
    try {
      path = decodeURIComponent(pathPart.split('?')[0]);
      anchor = hash === -1 ? undefined : decodeURIComponent(link.target.slice(hash + 1));
    } catch {
      problems.push(`${where(link)}: not a valid URL`);
      continue;
    }
    const resolved =
      path === ''
        ? file
        : path.startsWith('/')
          ? resolve(root, `.${path}`)
          : resolve(dirname(file), path);
    if (resolved !== file && !files.exists(resolved)) {
      problems.push(`${where(link)}: ${relative(root, resolved)} does not exist`);
      continue;
    }
    if (anchor === undefined || anchor === '' || !resolved.toLowerCase().endsWith('.md')) continue;
    const target = resolved === file ? markdown : files.read(resolved);
    if (target === undefined) {
      problems.push(`${where(link)}: cannot read ${relative(root, resolved)}`);
    } else if (!anchorsOf(target).has(anchor)) {
      problems.push(`${where(link)}: no heading #${anchor} in ${relative(root, resolved)}`);
    }
  }
  return problems;
}

/** The top-level folders a code span in prose names a repository path under. */
const REPOSITORY_FOLDERS = [
  'services',
  'test',
  'bench',
  'contracts',
  'infra',
  'k8s',
  'bin',
  'docs',
];
/** `services/ml/src/x.ts`, `test/faults/`, optionally `:line`; no placeholders or globs. */
const CODE_PATH = /^[\w.-]+(?:\/[\w.-]+)*\/?(?::\d+)?$/;

/**
 * Repository paths named in inline code (`services/ml/src/synthetic/`) that do not exist: a file
 * moved and the prose kept its old path. Only spans under a top-level folder of the repository
 * are read as paths; `<name>` placeholders and globs are not paths.
 */
export function missingCodePaths(
  file: string,
  markdown: string,
  root: string,
  files: LinkFiles = diskFiles,
): string[] {
  const problems: string[] = [];
  const page = relative(root, file).split(sep).join(posix.sep);
  for (const { text, line } of proseLines(markdown)) {
    for (const span of text.matchAll(/(`+)([^`]+?)\1(?!`)/g)) {
      const content = span[2].trim();
      if (!CODE_PATH.test(content)) continue;
      if (!REPOSITORY_FOLDERS.includes(content.split('/')[0])) continue;
      if (!content.includes('/')) continue;
      const path = content.replace(/:\d+$/, '');
      if (!files.exists(resolve(root, path)))
        problems.push(`${page}:${line}: ${path} does not exist`);
    }
  }
  return problems;
}
