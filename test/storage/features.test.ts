/**
 * Dataset shapes and reasoning on the engine's write path: writes that break the shapes are
 * rejected whole, and inferences follow every insert and delete, across a reopen.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { ValidationFailedError } from '../../src/errors.js';
import { executeUpdate, parseUpdate } from '../../src/sparql/index.js';
import { DEFAULT_DATASET, Engine } from '../../src/storage/engine.js';
import { ANY } from '../../src/store/types.js';

const EX = 'http://example.org/';
const RDF_TYPE = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#type';

const SHAPES = `
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix ex: <${EX}> .
ex:PersonShape a sh:NodeShape ;
  sh:targetClass ex:Person ;
  sh:property [ sh:path ex:name ; sh:minCount 1 ; sh:maxCount 1 ; sh:datatype xsd:string ] .
`;

async function update(
  engine: Engine,
  text: string,
): Promise<{ inserted: number; deleted: number }> {
  const operations = parseUpdate(text);
  const result = await engine.transaction(DEFAULT_DATASET, (tx) => executeUpdate(tx, operations));
  return { inserted: result.inserted, deleted: result.deleted };
}

/** Number of `?s rdf:type <class>` quads the dataset's query view has. */
function typed(engine: Engine, className: string, assertedOnly = false): number {
  const { dictionary, quads } = engine.dataset(DEFAULT_DATASET, { assertedOnly });
  const type = dictionary.lookup(RDF_TYPE);
  const cls = dictionary.lookup(EX + className);
  if (type === undefined || cls === undefined) return 0;
  return quads.count(ANY, type, cls, ANY);
}

describe('dataset shapes and reasoning', () => {
  let dir: string;
  let engine: Engine;

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'seven-tick-features-'));
    engine = Engine.open(dir);
  });

  afterEach(() => {
    engine.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('rejects shapes the existing data breaks, and keeps the old settings', async () => {
    await update(engine, `INSERT DATA { <${EX}ann> a <${EX}Person> }`);
    await assert.rejects(
      engine.configureDataset(DEFAULT_DATASET, { shapes: SHAPES }),
      (error: unknown) =>
        error instanceof ValidationFailedError && /sh:minCount|MinCount/.test(error.report),
    );
    assert.deepEqual(engine.datasetSettings(DEFAULT_DATASET), {});
  });

  it('rejects a violating write whole and accepts a conforming one', async () => {
    await engine.configureDataset(DEFAULT_DATASET, { shapes: SHAPES });
    await update(engine, `INSERT DATA { <${EX}ann> a <${EX}Person> ; <${EX}name> "Ann" }`);
    const size = engine.dataset(DEFAULT_DATASET).quads.size;
    await assert.rejects(
      update(
        engine,
        `INSERT DATA { <${EX}bob> a <${EX}Person> . <${EX}cat> a <${EX}Person> ; <${EX}name> "Cat" }`,
      ),
      ValidationFailedError,
    );
    await assert.rejects(
      update(engine, `DELETE DATA { <${EX}ann> <${EX}name> "Ann" }`),
      ValidationFailedError,
    );
    assert.equal(engine.dataset(DEFAULT_DATASET).quads.size, size);
    await update(engine, `INSERT DATA { <${EX}bob> a <${EX}Person> ; <${EX}name> "Bob" }`);
    assert.equal(engine.dataset(DEFAULT_DATASET).quads.size, size + 2);
  });

  it('validates loads, and keeps the shapes across a reopen', async () => {
    await engine.configureDataset(DEFAULT_DATASET, { shapes: SHAPES });
    engine.close();
    engine = Engine.open(dir);
    const file = path.join(dir, 'people.ttl');
    writeFileSync(file, `<${EX}dan> a <${EX}Person> ; <${EX}name> 42 .\n`);
    await assert.rejects(engine.loadFile(DEFAULT_DATASET, file), ValidationFailedError);
    assert.equal(engine.dataset(DEFAULT_DATASET).quads.size, 0);
  });

  it('keeps RDFS inferences current through inserts and deletes', async () => {
    await update(
      engine,
      `INSERT DATA { <${EX}Student> <http://www.w3.org/2000/01/rdf-schema#subClassOf> <${EX}Person> }`,
    );
    await engine.configureDataset(DEFAULT_DATASET, { reasoning: 'rdfs' });
    await update(engine, `INSERT DATA { <${EX}eve> a <${EX}Student> }`);
    assert.equal(typed(engine, 'Person'), 1);
    assert.equal(typed(engine, 'Person', true), 0);

    engine.close();
    engine = Engine.open(dir);
    assert.equal(typed(engine, 'Person'), 1, 'inferences after a reopen');
    await update(engine, `DELETE DATA { <${EX}eve> a <${EX}Student> }`);
    assert.equal(typed(engine, 'Person'), 0);
  });

  it('rejects a write that makes the dataset inconsistent when asked to', async () => {
    const OWL = 'http://www.w3.org/2002/07/owl#';
    await update(engine, `INSERT DATA { <${EX}Cat> <${OWL}disjointWith> <${EX}Dog> }`);
    await engine.configureDataset(DEFAULT_DATASET, {
      reasoning: 'owl2-rl',
      rejectInconsistent: true,
    });
    await update(engine, `INSERT DATA { <${EX}tom> a <${EX}Cat> }`);
    await assert.rejects(
      update(engine, `INSERT DATA { <${EX}tom> a <${EX}Dog> }`),
      (error: unknown) =>
        error instanceof ValidationFailedError &&
        /inconsistent/.test(error.message) &&
        error.report.includes(`<${EX}tom>`),
    );
    assert.equal(typed(engine, 'Dog'), 0);
    // Without the setting the same write is stored, contradiction and all.
    await engine.configureDataset(DEFAULT_DATASET, { reasoning: 'owl2-rl' });
    await update(engine, `INSERT DATA { <${EX}tom> a <${EX}Dog> }`);
    assert.equal(typed(engine, 'Dog'), 1);
  });

  it('rejects unknown settings', async () => {
    const { parseSettings } = await import('../../src/storage/features.js');
    assert.throws(() => parseSettings({ reasoning: 'owl-full' }), /reasoning must be one of/);
    assert.throws(() => parseSettings({ colour: 'red' }), /Unknown dataset setting/);
  });
});
