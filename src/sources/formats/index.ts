/**
 * Format readers: bytes in, located fragments and problems out, through content sniffing.
 *
 * @example
 * import { readFileFragments } from './formats/index.js';
 * for await (const item of readFileFragments('/data/export.xlsx')) console.log(item.loc);
 */
export { type CsvDialect, looksLikeHeader, readCsv, sniffCsvDialect } from './csv.js';
export { CsvTokenizer } from './csv-tokenizer.js';
export { type TextEncoding, Utf8Validator } from './decode.js';
export { htmlToText } from './html.js';
export { type ByteInput, bufferInput, fileInput, type RandomAccess, streamInput } from './input.js';
export { fieldKeyOf, JsonWalker } from './json.js';
export {
  flattenBatches,
  type ReadFileOptions,
  readBytesBatches,
  readBytesFragments,
  readFileBatches,
  readFileFragments,
  readInput,
  readSniffed,
  sniffInput,
} from './read.js';
export { type FormatId, type Sniffed, sniff } from './sniff.js';
export { TextChunker } from './text.js';
export {
  type BatchReadable,
  createReadContext,
  DEFAULT_LIMITS,
  hasBatchRead,
  isNote,
  PROBLEM,
  type ProblemCode,
  type ReadBatch,
  type ReadContext,
  type ReadItem,
  type ReadLimits,
  resolveLimits,
} from './types.js';
