/**
 * A canary matcher for the guard proxy: built once from the registry, then `match(text)` is synchronous and
 * cheap enough for every response the guard relays. It reports the labels of the plants whose canary values
 * appear in the text — a read of a canary record through the guard means someone is reading data nobody
 * legitimately reads.
 *
 * @example
 * const watch = await loadCanaryWatch({ catalog: '.leakguard/catalog.db', env: process.env });
 * for (const { label } of watch.match(responseBody)) alert(`canary ${label} read`);
 */
import type { Analyzer } from '../../detect/analyzer.js';
import { createAnalyzer } from '../../detect/analyzer.js';
import { builtinRecognizers } from '../../detect/presets.js';
import { type CanaryKey, type CanaryKeyOptions, loadCanaryKey } from './key.js';
import { matchCanaryText } from './match.js';
import { type CanaryIndex, CanaryRegistry } from './registry.js';

/** One canary plant seen in a text. */
export interface CanaryAlert {
  readonly label: string;
  readonly plantId: string;
  readonly target: string;
  /** Registered fields seen (`phone`, `resident_id`, …); never the values. */
  readonly fields: string[];
}

/** The guard's view: `match(text)` lists the plants whose canaries appear in `text`. */
export interface CanaryWatch {
  match(text: string): CanaryAlert[];
  /** Registered plants watched. */
  readonly plants: number;
}

/** A watch over the catalog's registry that picks up plants made after it was loaded. */
export interface RefreshingCanaryWatch extends CanaryWatch {
  /**
   * Re-reads the registry when it changed (a cheap version query first). On failure the watch keeps matching
   * the plants it has and the promise rejects.
   *
   * @returns whether the registry had changed
   */
  refresh(): Promise<boolean>;
}

const TYPES = [
  'CN_MOBILE',
  'PHONE_NUMBER',
  'CN_RESIDENT_ID',
  'EMAIL_ADDRESS',
  'CN_BANK_CARD',
  'CREDIT_CARD',
  'ADDRESS',
] as const;

/**
 * A watch over an already-loaded registry. Names alone never alert (too common); an address alone does.
 *
 * @example
 * const watch = createCanaryWatch(await registry.load(), key);
 */
export function createCanaryWatch(index: CanaryIndex, key: CanaryKey, analyzer?: Analyzer): CanaryWatch {
  const a = analyzer ?? createAnalyzer({ recognizers: builtinRecognizers, types: [...TYPES] });
  return {
    plants: index.plants.size,
    match(text) {
      const hits = matchCanaryText(a, index, key, text);
      const byPlant = new Map<string, Set<string>>();
      for (const h of hits) {
        if (h.ref.strength === 'weak') continue;
        let s = byPlant.get(h.ref.plantId);
        if (!s) {
          s = new Set();
          byPlant.set(h.ref.plantId, s);
        }
        s.add(h.ref.field);
      }
      const out: CanaryAlert[] = [];
      for (const [plantId, fields] of byPlant) {
        const p = index.plants.get(plantId);
        if (p) out.push({ label: p.label, plantId, target: p.target, fields: [...fields].sort() });
      }
      return out;
    },
  };
}

/**
 * Load the registry from the catalog and the key from the environment or a key file, and build a watch.
 *
 * @throws ConfigError `LG_KEY_MISSING` when no canary key is configured; SourceError when the catalog cannot be opened
 */
export async function loadCanaryWatch(options: CanaryKeyOptions & { catalog: string }): Promise<RefreshingCanaryWatch> {
  const key = loadCanaryKey(options);
  const analyzer = createAnalyzer({ recognizers: builtinRecognizers, types: [...TYPES] });
  const read = async (known?: string): Promise<{ version: string; watch?: CanaryWatch }> => {
    const registry = await CanaryRegistry.open(options.catalog);
    try {
      const version = await registry.version();
      if (version === known) return { version };
      return { version, watch: createCanaryWatch(await registry.load(), key, analyzer) };
    } finally {
      await registry.close();
    }
  };
  let { version, watch } = (await read()) as { version: string; watch: CanaryWatch };
  return {
    get plants() {
      return watch.plants;
    },
    match: (text) => watch.match(text),
    async refresh() {
      const next = await read(version);
      if (!next.watch) return false;
      version = next.version;
      watch = next.watch;
      return true;
    },
  };
}
