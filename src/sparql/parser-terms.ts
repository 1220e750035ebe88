/**
 * The RDF/JS term factory sparqljs builds its syntax trees with. It differs from sparqljs's
 * default in one way. sparqljs 3.7 keeps the backslash of an escaped character in a prefixed
 * name, so `ex:a\~b` becomes `http://e.org/a\~b`. The SPARQL grammar's PN_LOCAL_ESC stands for
 * the character alone (`http://e.org/a~b`), which is how n3 reads it in quad data.
 *
 * The terms are plain objects with own properties, so a syntax tree still crosses to and from
 * a worker thread by structured clone.
 *
 * sparqljs also lowercases a DOUBLE's lexical form before it reaches the factory (`1E-3`
 * becomes "1e-3"), while n3 keeps it. The fast parser driver (parser-driver.ts) restores the
 * form as written. NOTE: when that driver declines the installed sparqljs, the forms stay
 * lowercased, and a pattern with `1E-3` then does not match a "1E-3" loaded from a file.
 */
import type * as RDF from '@rdfjs/types';
import { DataFactory } from 'rdf-data-factory';

/** A backslash and the character it escapes, among those PN_LOCAL_ESC allows. */
const LOCAL_NAME_ESCAPE = /\\([_~.\-!$&'()*+,;=/?#@%])/g;

class SparqlTermFactory extends DataFactory {
  // An IRI reference cannot contain a backslash, so one in a named node's value comes from a
  // prefixed name's escape.
  override namedNode<Iri extends string = string>(value: Iri): RDF.NamedNode<Iri> {
    const unescaped = value.includes('\\') ? value.replace(LOCAL_NAME_ESCAPE, '$1') : value;
    return super.namedNode(unescaped as Iri);
  }
}

/**
 * The factory to pass to every sparqljs parser as its `factory` option. The cast only bridges
 * rdf-data-factory's generic `fromTerm` signature, which TypeScript does not match with the
 * RDF/JS one.
 */
export const SPARQL_TERM_FACTORY = new SparqlTermFactory() as unknown as RDF.DataFactory;
