import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  anchorsOf,
  brokenLinks,
  extractLinks,
  githubSlug,
  missingCodePaths,
} from './markdown-links';

const ROOT = resolve(__dirname, '..', '..');

/** The pages a newcomer reads: the README, everything under docs/, and the benchmark figures. */
function documentationFiles(): string[] {
  const docs = readdirSync(join(ROOT, 'docs'), { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.md'))
    .map((name) => join(ROOT, 'docs', name));
  return [join(ROOT, 'README.md'), join(ROOT, 'bench', 'README.md'), ...docs.sort()];
}

describe('links in the README and docs/', () => {
  const files = documentationFiles();

  it('reads the README, bench/README.md and every page under docs/', () => {
    expect(files.length).toBeGreaterThanOrEqual(8);
    expect(files).toContain(join(ROOT, 'docs', 'events.md'));
  });

  it.each(files.map((file) => [file.slice(ROOT.length + 1), file]))(
    '%s: every relative link and image resolves',
    (_name, file) => {
      expect(brokenLinks(file, readFileSync(file, 'utf8'), ROOT)).toEqual([]);
    },
  );

  it.each(files.map((file) => [file.slice(ROOT.length + 1), file]))(
    '%s: every repository path in inline code exists',
    (_name, file) => {
      expect(missingCodePaths(file, readFileSync(file, 'utf8'), ROOT)).toEqual([]);
    },
  );

  it('finds the README links it checks (a parser that finds none would pass vacuously)', () => {
    const links = extractLinks(readFileSync(join(ROOT, 'README.md'), 'utf8'));
    const targets = links.map((link) => link.target);
    expect(targets).toEqual(expect.arrayContaining(['docs/events.md', 'docs/operations.md']));
    expect(links.some((link) => link.image)).toBe(true);
  });
});

describe('the link checker', () => {
  // An in-memory page placed at the repository's root, as the README is.
  const page = join(ROOT, 'PAGE.md');
  const check = (markdown: string) => brokenLinks(page, markdown, ROOT);

  it('accepts links to files, folders, images and headings that exist', () => {
    expect(
      check(
        [
          '# Title',
          'See [events](docs/events.md), [topics](docs/events.md#topics), [k8s](k8s/),',
          '[the top](#title), [absolute](/docs/operations.md) and ![console](docs/images/console-live.png).',
          '[a site](https://example.org/missing.md) and [mail](mailto:someone@example.org) are not followed.',
          '[defined]: docs/security.md',
        ].join('\n'),
      ),
    ).toEqual([]);
  });

  it('reports a link to a file that does not exist', () => {
    expect(check('Read [this](docs/no-such-page.md) first.')).toEqual([
      'PAGE.md:1: link docs/no-such-page.md: docs/no-such-page.md does not exist',
    ]);
  });

  it('reports a missing image, a broken reference definition and a link inside an image link', () => {
    expect(
      check(
        [
          '![shot](docs/images/missing.png)',
          '',
          '[ref]: ./nowhere.md',
          '[![badge](docs/images/gone.png)](docs/events.md)',
        ].join('\n'),
      ),
    ).toEqual([
      'PAGE.md:1: image docs/images/missing.png: docs/images/missing.png does not exist',
      'PAGE.md:3: link ./nowhere.md: nowhere.md does not exist',
      'PAGE.md:4: image docs/images/gone.png: docs/images/gone.png does not exist',
    ]);
  });

  it('reports an anchor that names no heading, in another page or in its own', () => {
    expect(check('# Here\n[x](docs/events.md#no-such-heading) and [y](#not-here)')).toEqual([
      'PAGE.md:2: link docs/events.md#no-such-heading: no heading #no-such-heading in docs/events.md',
      'PAGE.md:2: link #not-here: no heading #not-here in PAGE.md',
    ]);
  });

  it('ignores links in fenced code and inline code', () => {
    const markdown = [
      '```bash',
      'echo "[not a link](nowhere.md)"',
      '```',
      '~~~',
      '[nor this](nowhere.md)',
      '~~~',
      'Write `[text](nowhere.md)` for a link.',
    ].join('\n');
    expect(extractLinks(markdown)).toEqual([]);
    expect(check(markdown)).toEqual([]);
  });

  it('slugs headings as GitHub does', () => {
    expect(githubSlug('A scorer killed (`kill -9`, OOM, node failure) and restarted')).toBe(
      'a-scorer-killed-kill--9-oom-node-failure-and-restarted',
    );
    expect(githubSlug('The `readmit` CLI')).toBe('the-readmit-cli');
    expect(githubSlug('Configuration, metrics and speed')).toBe('configuration-metrics-and-speed');
    expect(githubSlug('READMIT_HOME and [links](x.md)')).toBe('readmit_home-and-links');
    expect([...anchorsOf('## Faults\n## Faults\n```\n# not a heading\n```')]).toEqual([
      'faults',
      'faults-1',
    ]);
  });
});

describe('the code path checker', () => {
  const page = join(ROOT, 'PAGE.md');
  const check = (markdown: string) => missingCodePaths(page, markdown, ROOT);

  it('accepts paths that exist, with or without a line number or trailing slash', () => {
    expect(
      check('See `services/ml/src/synthetic/`, `test/docs/links.unit.spec.ts:3` and `docs/`.'),
    ).toEqual([]);
  });

  it('reports a path that moved', () => {
    expect(check('Intro.\n`services/ingest/src/domain/synthetic/` generates encounters.')).toEqual([
      'PAGE.md:2: services/ingest/src/domain/synthetic/ does not exist',
    ]);
  });

  it('does not read placeholders, globs, commands or fenced code as paths', () => {
    expect(
      check(
        [
          '`services/<svc>/src/projections/<model>/evolve.ts`, `services/*/src/**/domain/**`,',
          '`npx jest test/faults`, `readmit.json`',
          '```',
          'services/nowhere/x.ts',
          '`services/nowhere/y.ts`',
          '```',
        ].join('\n'),
      ),
    ).toEqual([]);
  });
});
