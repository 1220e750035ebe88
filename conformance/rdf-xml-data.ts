/**
 * Reads the few RDF/XML data files of the SPARQL suites, which all use one flat layout:
 * `rdf:Description` elements with `rdf:about`, each containing empty property elements with
 * `rdf:resource` or property elements with text and an optional `rdf:datatype` or `xml:lang`.
 * Anything else throws, so a file outside that layout fails its test instead of loading wrong
 * data. This is not a general RDF/XML parser.
 */
import type * as RDF from '@rdfjs/types';

import { factory } from '../src/rdf/terms.js';

const RDF_NS = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#';

function decodeXml(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&#x([0-9a-fA-F]+);/g, (_, hex: string) => String.fromCodePoint(parseInt(hex, 16)))
    .replace(/&#(\d+);/g, (_, decimal: string) => String.fromCodePoint(Number(decimal)))
    .replace(/&amp;/g, '&');
}

function attributesOf(text: string): Map<string, string> {
  const attributes = new Map<string, string>();
  for (const match of text.matchAll(/([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g))
    attributes.set(match[1]!, decodeXml(match[2] ?? match[3] ?? ''));
  return attributes;
}

/** Parses a file of the flat layout described above; `baseIri` resolves relative IRIs. */
export function parseFlatRdfXml(xml: string, baseIri: string): RDF.Quad[] {
  const root = /<rdf:RDF\b([^>]*)>([\s\S]*)<\/rdf:RDF>/.exec(xml);
  if (root === null) throw new Error('RDF/XML data without an rdf:RDF element');
  const namespaces = new Map<string, string>();
  for (const [name, value] of attributesOf(root[1]!)) {
    if (name.startsWith('xmlns:')) namespaces.set(name.slice('xmlns:'.length), value);
  }
  if (namespaces.get('rdf') !== RDF_NS) throw new Error('RDF/XML data must bind the rdf prefix');

  const expand = (qname: string): string => {
    const [prefix, local] = qname.split(':');
    const namespace = local === undefined ? undefined : namespaces.get(prefix!);
    if (namespace === undefined) throw new Error(`Unsupported RDF/XML element name ${qname}`);
    return namespace + local;
  };
  const resolve = (iri: string): string => new URL(iri, baseIri).href;

  const quads: RDF.Quad[] = [];
  let body = root[2]!;
  const descriptionPattern = /<rdf:Description\b([^>]*)>([\s\S]*?)<\/rdf:Description>/g;
  for (const description of body.matchAll(descriptionPattern)) {
    const about = attributesOf(description[1]!).get('rdf:about');
    if (about === undefined)
      throw new Error('Unsupported RDF/XML: rdf:Description without rdf:about');
    const subject = factory.namedNode(resolve(about));

    let properties = description[2]!;
    const propertyPattern = /<([\w.-]+:[\w.-]+)\b([^>]*?)(?:\/>|>([^<]*)<\/\1>)/g;
    for (const property of properties.matchAll(propertyPattern)) {
      if (property[1] === 'rdf:Description')
        throw new Error('Unsupported RDF/XML: nested rdf:Description');
      const predicate = factory.namedNode(expand(property[1]!));
      const attributes = attributesOf(property[2]!);
      const resource = attributes.get('rdf:resource');
      let object: RDF.Quad_Object;
      if (resource !== undefined) object = factory.namedNode(resolve(resource));
      else {
        const text = decodeXml(property[3] ?? '');
        const datatype = attributes.get('rdf:datatype');
        const language = attributes.get('xml:lang');
        if (language !== undefined) object = factory.literal(text, language);
        else
          object = factory.literal(
            text,
            datatype === undefined ? undefined : factory.namedNode(datatype),
          );
      }
      quads.push(factory.quad(subject, predicate, object));
    }
    properties = properties.replace(propertyPattern, '');
    if (properties.trim() !== '')
      throw new Error(`Unsupported RDF/XML content: ${properties.trim().slice(0, 80)}`);
  }
  body = body.replace(descriptionPattern, '');
  if (body.trim() !== '')
    throw new Error(`Unsupported RDF/XML content: ${body.trim().slice(0, 80)}`);
  return quads;
}
