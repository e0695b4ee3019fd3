/**
 * `leakguard types [--json]` — the entity types leakguard detects.
 */
import { ENTITY_TYPE_NAMES, ENTITY_TYPES } from '../../core/entity-types.js';
import { UsageError } from '../../core/errors.js';
import { parse } from '../args.js';
import { type CliIO, write } from '../io.js';

export const typesHelp = `Usage: leakguard types [--json]

List every entity type with its country, whether PIPL counts it as sensitive personal information,
and a description.

Options:
  --json      Print a JSON array of { type, country, sensitive, checksum, description }
  -h, --help  Show this help
`;

export async function typesCommand(argv: readonly string[], io: CliIO): Promise<number> {
  const { values, positionals, help } = parse(argv, { json: { type: 'boolean' } } as const, 'types');
  if (help) {
    await write(io.stdout, typesHelp);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError('Invalid arguments for "types": no positional arguments expected');
  const rows = ENTITY_TYPE_NAMES.map((t) => {
    const info = ENTITY_TYPES[t];
    return {
      type: t,
      country: info.country,
      sensitive: info.sensitive,
      checksum: info.checksum,
      description: info.description,
    };
  });
  if (values.json) {
    await write(io.stdout, `${JSON.stringify(rows, null, 2)}\n`);
    return 0;
  }
  const width = Math.max(...rows.map((r) => r.type.length));
  let out = `${'TYPE'.padEnd(width)}  COUNTRY  PIPL-SENSITIVE  DESCRIPTION\n`;
  for (const r of rows) {
    out += `${r.type.padEnd(width)}  ${(r.country ?? '-').padEnd(7)}  ${(r.sensitive ? 'yes' : 'no').padEnd(14)}  ${r.description}\n`;
  }
  await write(io.stdout, out);
  return 0;
}
