/**
 * The Source conformance suite: the contract every Source implementation passes (STYLE: "a shared conformance
 * suite that every implementation passes"). Call it from a test file with a factory that builds a fresh source
 * over known content:
 *
 * - units are JSON-serialisable, have unique ids, and the same plan comes out twice;
 * - a unit survives a JSON round trip (as it would through a queue) and reads the same;
 * - reading a unit twice gives identical fragments and problems (idempotent results keyed by unit);
 * - every fragment and problem has a location object, every fragment has text;
 * - an aborted signal stops planning and reading: no item comes out after the abort, and an already-aborted
 *   signal rejects with an `AbortError`.
 *
 * Imports vitest: use it only from tests.
 */
import { describe, expect, it } from 'vitest';
import { type Fragment, isProblem, type Problem, type Source, type Unit } from './source.js';

/** What the suite needs from the implementation under test. */
export interface ConformanceFixture {
  source: Source;
  /** Release whatever the factory created (temporary files, servers). */
  cleanup?: () => Promise<void>;
}

async function plan(source: Source, signal?: AbortSignal): Promise<Unit[]> {
  const units: Unit[] = [];
  for await (const u of source.units(signal)) units.push(u);
  return units;
}

async function readAll(source: Source, unit: Unit, signal?: AbortSignal): Promise<(Fragment | Problem)[]> {
  const items: (Fragment | Problem)[] = [];
  for await (const item of source.read(unit, signal)) items.push(item);
  return items;
}

/** Whether `e` is an abort error (DOMException or any error named `AbortError`). */
function isAbortError(e: unknown): boolean {
  return e instanceof Error && e.name === 'AbortError';
}

/**
 * Register the conformance tests for a Source implementation.
 *
 * @param name the implementation's name in test titles
 * @param makeSource builds a fresh source over content that plans at least one unit with at least one fragment
 * @example
 * describeSourceConformance('file source', async () => ({ source: createFileSource({ root: dir }) }));
 */
export function describeSourceConformance(name: string, makeSource: () => Promise<ConformanceFixture>): void {
  const withSource = async (fn: (source: Source) => Promise<void>): Promise<void> => {
    const fixture = await makeSource();
    try {
      await fn(fixture.source);
    } finally {
      await fixture.source.close();
      await fixture.cleanup?.();
    }
  };

  describe(`${name} conformance`, () => {
    it(`${name} units are JSON-serialisable, unique and stable across two plannings`, () =>
      withSource(async (source) => {
        const first = await plan(source);
        const second = await plan(source);
        expect(first.length).toBeGreaterThan(0);
        expect(second).toEqual(first);
        expect(new Set(first.map((u) => u.id)).size).toBe(first.length);
        for (const u of first) {
          expect(JSON.parse(JSON.stringify(u))).toEqual(u);
          expect(typeof u.id).toBe('string');
          expect(typeof u.asset).toBe('string');
        }
      }));

    it(`${name} reads a unit twice, and after a JSON round trip, with identical results`, () =>
      withSource(async (source) => {
        const units = await plan(source);
        let fragments = 0;
        for (const u of units) {
          const a = await readAll(source, u);
          const b = await readAll(source, u);
          const c = await readAll(source, JSON.parse(JSON.stringify(u)) as Unit);
          expect(b).toEqual(a);
          expect(c).toEqual(a);
          fragments += a.filter((x) => !isProblem(x)).length;
        }
        expect(fragments).toBeGreaterThan(0);
      }));

    it(`${name} gives every fragment text and a location, and every problem a code, message and location`, () =>
      withSource(async (source) => {
        for (const u of await plan(source)) {
          for (const item of await readAll(source, u)) {
            expect(typeof item.loc).toBe('object');
            expect(item.loc).not.toBeNull();
            if (isProblem(item)) {
              expect(item.problem.length).toBeGreaterThan(0);
              expect(item.message.length).toBeGreaterThan(0);
            } else {
              expect(typeof item.text).toBe('string');
              expect(item.text.length).toBeGreaterThan(0);
            }
          }
        }
      }));

    it(`${name} stops reading when the signal is aborted`, () =>
      withSource(async (source) => {
        const units = await plan(source);
        const unit = units.find(() => true)!;
        const controller = new AbortController();
        const after: (Fragment | Problem)[] = [];
        let aborted = false;
        try {
          for await (const item of source.read(unit, controller.signal)) {
            if (aborted) after.push(item);
            if (!aborted) {
              controller.abort();
              aborted = true;
            }
          }
        } catch (e) {
          expect(isAbortError(e)).toBe(true);
        }
        expect(after).toEqual([]);
        const pre = new AbortController();
        pre.abort();
        await expect(readAll(source, unit, pre.signal)).rejects.toSatisfy(isAbortError);
      }));

    it(`${name} stops planning when the signal is aborted`, () =>
      withSource(async (source) => {
        const controller = new AbortController();
        controller.abort();
        await expect(plan(source, controller.signal)).rejects.toSatisfy(isAbortError);
      }));
  });
}
