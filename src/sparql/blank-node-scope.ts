/**
 * The SPARQL 1.1 rule that a blank node label belongs to one basic graph pattern, checked on
 * the algebra because sparqljs 3.7 does not check it.
 */
import { SparqlSyntaxError } from '../errors.js';
import { mentionedSlots, type Bgp, type Expression, type Operator } from './algebra.js';
import type { VariableTable } from './translate.js';

/**
 * Rejects a blank node label used in two BGPs, which SPARQL 1.1 forbids (section 19.6) and
 * sparqljs 3.7 does not check. Blank nodes act as variables scoped to one BGP.
 */
export function checkBlankNodeScopes(op: Operator, variables: VariableTable): void {
  const owners = new Map<number, Bgp>();
  const visitExpression = (expression: Expression): void => {
    if (expression.type === 'exists') visit(expression.pattern);
    else if (expression.type === 'call') expression.args.forEach(visitExpression);
    else if (expression.type === 'cast') visitExpression(expression.arg);
  };
  const visit = (node: Operator): void => {
    switch (node.type) {
      case 'bgp':
        for (const slot of mentionedSlots(node)) {
          const label = variables.blankLabelOf(slot);
          if (label === undefined) continue;
          const owner = owners.get(slot);
          if (owner !== undefined && owner !== node) {
            throw new SparqlSyntaxError(
              `Invalid SPARQL query: blank node _:${label.replace(/^e_/, '')} is used in two basic graph patterns`,
            );
          }
          owners.set(slot, node);
        }
        node.filters.forEach(visitExpression);
        return;
      case 'join':
      case 'union':
      case 'minus':
      case 'leftjoin':
        visit(node.left);
        visit(node.right);
        if (node.type === 'leftjoin' && node.expression !== undefined)
          visitExpression(node.expression);
        return;
      case 'filter':
        visitExpression(node.expression);
        visit(node.input);
        return;
      case 'extend':
        visitExpression(node.expression);
        visit(node.input);
        return;
      case 'orderby':
        node.conditions.forEach((condition) => visitExpression(condition.expression));
        visit(node.input);
        return;
      case 'graph':
      case 'project':
      case 'distinct':
      case 'slice':
        visit(node.input);
        return;
      case 'group':
        for (const key of node.keys) visitExpression(key.expression);
        for (const aggregate of node.aggregates)
          if (aggregate.expression !== undefined) visitExpression(aggregate.expression);
        visit(node.input);
        return;
      case 'values':
        return;
    }
  };
  visit(op);
}
