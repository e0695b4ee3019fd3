/**
 * `leakguard report` — render a report of a scan run from the catalog.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { renderAuditHtml } from '../../audit/render.js';
import { Catalog } from '../../catalog/catalog.js';
import { UsageError } from '../../core/errors.js';
import { renderJson, renderMarkdown, renderSarif } from '../../report/formats.js';
import { renderHtml } from '../../report/html.js';
import { loadReportModel } from '../../report/model.js';
import { DEFAULT_GRADING, loadGrading } from '../../scan/grading.js';
import { numberOption, parse } from '../args.js';
import { latestAudit, withAuditJson, withAuditSarif } from '../audit-report.js';
import { type CliIO, write } from '../io.js';
import { version } from '../version.js';
import { catalogTarget } from './scan.js';

export const reportHelp = `Usage: leakguard report [--format html|json|sarif|md] [-o FILE] [options]

Render a report of the newest finished scan (or --run N) from the catalog. HTML is one self-contained page
(inline SVG charts, no network); SARIF 2.1.0 is for code-scanning UIs; Markdown is for a ticket.

Options:
  --format FORMAT     html (default), json, sarif, md
  -o, --output FILE   Write to FILE (default: standard output)
  --run N             Report run N instead of the newest
  --catalog PATH|URL  Catalog database (default .leakguard/catalog.db)
  --grading FILE      Grading rules used for ordering and the rules section
  -h, --help          Show this help
`;

const FORMATS = ['html', 'json', 'sarif', 'md'] as const;

export async function reportCommand(argv: readonly string[], io: CliIO): Promise<number> {
  const { values, positionals, help } = parse(
    argv,
    {
      format: { type: 'string' },
      output: { type: 'string', short: 'o' },
      run: { type: 'string' },
      catalog: { type: 'string' },
      grading: { type: 'string' },
    } as const,
    'report',
  );
  if (help) {
    await write(io.stdout, reportHelp);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError('Invalid arguments for "report": no positional arguments expected');
  const format = (values.format ?? 'html') as (typeof FORMATS)[number];
  if (!FORMATS.includes(format))
    throw new UsageError(`Invalid value for --format: "${values.format}"; expected ${FORMATS.join(', ')}`);
  const runId = numberOption(values.run, 'run', 1, Number.MAX_SAFE_INTEGER);
  const grading = values.grading ? loadGrading(resolve(io.cwd, values.grading)) : DEFAULT_GRADING;
  const target = catalogTarget(values.catalog, io);
  const catalog = await Catalog.open(target);
  try {
    const model = await loadReportModel(catalog, {
      version: version(),
      grading,
      ...(runId !== undefined ? { runId } : {}),
    });
    const audit = await latestAudit(target);
    const text =
      format === 'html'
        ? renderHtml(model, audit ? [renderAuditHtml(audit)] : [])
        : format === 'json'
          ? withAuditJson(renderJson(model), audit)
          : format === 'sarif'
            ? withAuditSarif(renderSarif(model), audit)
            : renderMarkdown(model);
    if (values.output) {
      writeFileSync(resolve(io.cwd, values.output), text);
      await write(io.stderr, `wrote ${values.output} (${format}, run ${model.run.id})\n`);
    } else await write(io.stdout, text);
    return 0;
  } finally {
    await catalog.close();
  }
}
