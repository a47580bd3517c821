import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Parser } from 'xml2js';
import type { Libvirt } from '../../src/ffi/index.ts';
import { readSimpleXml } from '../../src/hosts/simple-xml.ts';
import { startBinding } from '../support/binding.ts';
import { chain, testDriverFixture } from '../support/test-driver.ts';

/** What xml2js gives, with the options snapshot-xml.ts reads snapshots with. */
function xml2js(xml: string): unknown {
  let document: unknown;
  new Parser({
    async: false,
    strict: true,
    explicitArray: false,
    attrkey: '$',
    charkey: '_',
  }).parseString(xml, (error: Error | null, result: unknown) => {
    if (error !== null) {
      throw error;
    }

    document = result;
  });

  return document;
}

describe('the simple XML reader', () => {
  let libvirt: Libvirt;

  beforeAll(async () => {
    libvirt = await startBinding(2);
  });

  afterAll(async () => {
    await libvirt.close();
  });

  it('reads libvirt’s own snapshot documents as xml2js does, domain definitions included', async () => {
    const fixture = testDriverFixture([
      {
        name: 'vm1',
        snapshots: [
          ...chain(['r', 'a', 'a1']),
          { name: 'b', parent: 'r', creationTime: 1_700_000_010, description: 'x < y & "z" ’' },
        ],
      },
    ]);
    const connection = await libvirt.open(fixture.uri);
    try {
      const domain = await connection.lookupDomainByName('vm1');
      const { snapshots } = await domain.snapshotListing();
      await domain.free();

      expect(snapshots).toHaveLength(4);
      for (const { xml } of snapshots) {
        expect(readSimpleXml(xml)).toEqual(xml2js(xml));
      }
    } finally {
      await connection.close();
      fixture.dispose();
    }
  });

  it.each([
    ['text, attributes and empty elements', '<a><b>t</b><c x=\'1\'/><d/><e></e><f x="2">u</f></a>'],
    ['repeated children', '<a><b>1</b><b>2</b><c/><b>3</b></a>'],
    ['whitespace', '<a>\n  <b>  </b>\n  <c x="1">  </c>\n  <d>\n</d>\n</a>\n'],
    ['mixed text', '<a>x<b/>y<c>z</c> </a>'],
    ['references', '<a v="&lt;&amp;&quot;&apos;&gt;">&#x41;&#66;&lt;&gt;&amp;&#x1F600;</a>'],
    ['spaces in tags', '<a  x = \'a b\' y="c" ><b />< /a>'.replace('< /a>', '</a >')],
    ['names with dots, dashes and colons', '<a-b x.y="1"><c:d>e</c:d><f_g/></a-b>'],
    ['tabs and line feeds in an attribute', '<a x="1\t2\n3"/>'],
  ])('reads %s as xml2js does', (_what, xml) => {
    expect(readSimpleXml(xml)).toEqual(xml2js(xml));
  });

  it.each([
    ['a comment', '<a><!-- c --></a>'],
    ['CDATA', '<a><![CDATA[x]]></a>'],
    ['a declaration', '<?xml version="1.0"?><a/>'],
    ['a DOCTYPE', '<!DOCTYPE a [<!ENTITY e "x">]><a>&e;</a>'],
    ['an unknown entity', '<a>&nbsp;</a>'],
    ['a bare ampersand', '<a>x & y</a>'],
    ['a carriage return', '<a>x\r\ny</a>'],
    ['a reference to no character', '<a>&#0;</a>'],
    ['mismatched tags', '<a><b></a></b>'],
    ['a truncated document', '<a><b>x</b>'],
    ['two roots', '<a/><b/>'],
    ['text outside the root', 'x<a/>'],
    ['a repeated attribute', '<a x="1" x="2"/>'],
    ['an attribute without quotes', '<a x=1/>'],
    ['no document', ''],
  ])('leaves %s to xml2js', (_what, xml) => {
    expect(readSimpleXml(xml)).toBeNull();
  });

  it('reads any document of elements, attributes and text as xml2js does', () => {
    const name = fc.constantFrom('a', 'b', 'c', 'name', 'disk');
    const text = fc.string({
      unit: fc.constantFrom('x', ' ', '\n', '\t', '<', '&', '"', "'", '>', 'é'),
    });
    const escaped = (value: string) =>
      value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');
    const element: fc.Memo<string> = fc.memo((depth) =>
      fc
        .tuple(
          name,
          fc.dictionary(fc.constantFrom('x', 'y', 'snapshot'), text, { maxKeys: 2 }),
          depth <= 1 ? fc.constant([]) : fc.array(element(depth - 1), { maxLength: 4 }),
          text,
        )
        .map(([tag, attributes, children, content]) => {
          const attributeText = Object.entries(attributes)
            .map(([key, value]) => ` ${key}="${escaped(value)}"`)
            .join('');

          return `<${tag}${attributeText}>${escaped(content)}${children.join('')}</${tag}>`;
        }),
    );

    fc.assert(
      fc.property(element(4), (xml) => {
        expect(readSimpleXml(xml)).toEqual(xml2js(xml));
      }),
      { numRuns: 500 },
    );
  });
});
