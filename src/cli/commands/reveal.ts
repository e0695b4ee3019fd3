/**
 * `leakguard reveal <input> -o <output> --policy P` — reverse the reversible operators (`fpe`, `encrypt`,
 * `tokenize`, `dateshift`) of the policy a file was protected with. Needs the policy's keys (and its vault for
 * tokens); refuses without them; writes an audit record for every run, successful or not, before the output
 * appears.
 */
import type { CliIO } from '../io.js';
import { runProtectCommand } from './protect.js';

export const revealHelp = `Usage: leakguard reveal <input> -o <output> --policy FILE [options]

Reverse the reversible operators of the policy the input was protected with: fpe, encrypt, tokenize and
dateshift (with the same subject column). Masked, hashed, pseudonymised, generalised and redacted values
stay as they are. Needs the policy's keys, and its token vault for tokens: without them it refuses before
reading any data. Every run appends an audit record (who, when, which files, which keys, how many values;
never a value) to the audit log before the output appears; tokens are also audited in the vault.

The output is written to a temporary file and renamed at the end, with mode 0600 unless the input's is
stricter: it holds clear values, keep it safe.

Options:
  -o, --output FILE        Output file; "-" writes standard output (text, CSV, JSON, NDJSON)
  -p, --policy FILE        The protection policy (YAML; default: $LEAKGUARD_POLICY)
  --audit FILE             Audit log, JSON Lines (default: audit.jsonl beside the catalog,
                           .leakguard/audit.jsonl)
  --actor NAME             Who is revealing (default: $LEAKGUARD_ACTOR, else the OS user)
  --format F               auto (default), text, csv, tsv, json, ndjson, parquet, xlsx
  --on-error ACTION        Bad CSV rows, invalid NDJSON lines: fail (default), skip, redact
  --subject-column NAME    The subject column or JSON path used when protecting (dateshift), when it
                           overrode the policy's options.subject
  --header yes|no          CSV: whether the first row is a header (default: sniffed)
  --delimiter C            CSV: the delimiter (default: sniffed; "tab" for a tab)
  --force                  Replace an existing output file
  --vault FILE|URL         Token vault when the policy names none: a SQLite file or a postgres:// URL
                           (default: the catalog database)
  --catalog PATH|URL       Catalog database: holds the default token vault; the audit log sits beside
                           a file catalog
  --config FILE            Detection config (reveal re-detects fpe outputs inside text)
  --json                   Print the report as JSON
  --quiet                  No summary
  -h, --help               Show this help

Exit status: 0 done, 2 usage, policy, missing key, input or audit error.

Example:
  LEAKGUARD_KEY=… leakguard reveal customers.safe.csv -o customers.csv --policy policy.yaml --actor alice
`;

export async function revealCommand(argv: readonly string[], io: CliIO): Promise<number> {
  return runProtectCommand('reveal', argv, io, revealHelp);
}
