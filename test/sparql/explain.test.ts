/** EXPLAIN: the operator tree with the planner's chosen order and actual row counts. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { explainQuery, type PlanNode } from '../../src/sparql/explain.js';
import { PREFIXES, TRIG_PREFIXES, storeDatasetFromTrig } from './helpers.js';

const DATA = `${TRIG_PREFIXES}
:a :type :Person ; :knows :b , :c .
:b :type :Person ; :knows :c .
:c :type :Robot .
:d :type :Person .
`;

function find(node: PlanNode, operator: string): PlanNode | undefined {
  if (node.operator === operator) return node;
  for (const child of node.children) {
    const found = find(child, operator);
    if (found) return found;
  }
  return undefined;
}

describe('explainQuery', () => {
  it('orders BGP steps by selectivity, not text order', async () => {
    const dataset = storeDatasetFromTrig(DATA);
    const query = `${PREFIXES} SELECT ?x ?y WHERE { ?x :knows ?y . ?y :type :Robot }`;
    const explanation = await explainQuery(dataset, query);
    assert.equal(explanation.resultCount, 2);
    const bgp = find(explanation.plan, 'bgp');
    assert.ok(bgp);
    assert.equal(bgp.actualRows, 2);
    assert.equal(bgp.children.length, 2);
    // One :Robot versus four :knows quads: the planner starts from the robot.
    assert.match(bgp.children[0].detail ?? '', /Robot/);
    assert.equal(bgp.children[0].estimatedRowsPerInput, 1);
    assert.equal(bgp.children[0].actualRows, 1);
    assert.equal(bgp.children[1].actualRows, 2);
  });

  it('counts rows of every operator', async () => {
    const dataset = storeDatasetFromTrig(DATA);
    const query = `${PREFIXES} SELECT ?x WHERE { ?x :type :Person OPTIONAL { ?x :knows ?y } } LIMIT 2`;
    const explanation = await explainQuery(dataset, query);
    assert.equal(explanation.resultCount, 2);
    assert.equal(find(explanation.plan, 'slice')?.actualRows, 2);
    assert.ok(find(explanation.plan, 'leftjoin'));
    assert.match(explanation.text, /^slice/);
    assert.match(explanation.text, /\[actual 2 rows\]/);
  });

  it('shows a BGP that never ran with zero rows', async () => {
    const dataset = storeDatasetFromTrig(DATA);
    const query = `${PREFIXES} SELECT * WHERE { ?x :type :Nothing . ?x :knows ?y }`;
    const explanation = await explainQuery(dataset, query);
    assert.equal(explanation.resultCount, 0);
    assert.equal(find(explanation.plan, 'bgp')?.actualRows, 0);
  });

  it('explains ASK and CONSTRUCT', async () => {
    const dataset = storeDatasetFromTrig(DATA);
    const ask = await explainQuery(dataset, `${PREFIXES} ASK { :a :knows :b }`);
    assert.equal(ask.resultCount, 1);
    const construct = await explainQuery(
      dataset,
      `${PREFIXES} CONSTRUCT { ?y :knownBy ?x } WHERE { ?x :knows ?y }`,
    );
    assert.equal(construct.resultCount, 3);
  });
});
