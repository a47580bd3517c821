// A reader for the plain XML libvirt writes for a snapshot once its embedded domain
// definitions are cut out (snapshot-xml.ts): elements, attributes, text and the predefined
// and numeric character references, nothing else. It gives the same objects as xml2js with
// the options snapshot-xml.ts uses (`explicitArray: false`, attributes under `$`, text under
// `_`), faster: parsing 1,000 snapshots here took ~42 ms with xml2js, ~20 ms with this, which
// a tree of thousands of snapshots read at start-up, and every sweep, feels.
// Anything else (a comment, CDATA, a DOCTYPE, an unknown entity, a carriage return, a fault)
// gives null, and the caller reads the document with xml2js, which reports faults itself.

const ATTRIBUTES = '$';
const TEXT = '_';

type XmlValue = string | XmlObject | XmlValue[];
interface XmlObject {
  [key: string]: XmlValue | Record<string, string>;
}

interface Frame {
  name: string;
  attributes: Record<string, string> | null;
  children: Map<string, XmlValue>;
  text: string;
}

const NAME = /[A-Za-z_][-A-Za-z0-9_.:]*/y;
const SPACE = /[ \t\n]*/y;
const REFERENCE = /&(?:#x([0-9A-Fa-f]{1,6})|#([0-9]{1,7})|(lt|gt|amp|quot|apos));/g;
const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
const WHITESPACE_ONLY = /^[ \t\n]*$/;

/** A character XML 1.0 allows. */
function isXmlCharacter(code: number): boolean {
  return (
    code === 0x9 ||
    code === 0xa ||
    code === 0xd ||
    (code >= 0x20 && code <= 0xd7ff) ||
    (code >= 0xe000 && code <= 0xfffd) ||
    (code >= 0x10000 && code <= 0x10ffff)
  );
}

/** `raw` with its references replaced; null for a reference this reader does not take. */
function decode(raw: string): string | null {
  if (raw.includes('\r')) {
    return null;
  }

  if (!raw.includes('&')) {
    return raw;
  }

  let valid = true;
  const decoded = raw.replace(REFERENCE, (_match, hex, decimal, named) => {
    if (named !== undefined) {
      return PREDEFINED[named as string] as string;
    }

    const code = hex !== undefined ? Number.parseInt(hex, 16) : Number(decimal);
    if (!isXmlCharacter(code)) {
      valid = false;

      return '';
    }

    return String.fromCodePoint(code);
  });

  // A `&` left over began no reference this reader knows.
  return valid && !raw.replace(REFERENCE, '').includes('&') ? decoded : null;
}

function readName(xml: string, at: number): string | null {
  NAME.lastIndex = at;
  const match = NAME.exec(xml);

  return match === null ? null : match[0];
}

function skipSpace(xml: string, at: number): number {
  SPACE.lastIndex = at;
  SPACE.exec(xml);

  return SPACE.lastIndex;
}

/** The value xml2js gives an element that has ended. */
function elementValue(frame: Frame): XmlValue {
  if (frame.attributes === null && frame.children.size === 0) {
    return frame.text;
  }

  const value: XmlObject = {};
  if (frame.attributes !== null) {
    value[ATTRIBUTES] = frame.attributes;
  }

  for (const [name, child] of frame.children) {
    value[name] = child;
  }

  if (!WHITESPACE_ONLY.test(frame.text)) {
    value[TEXT] = frame.text;
  }

  return value;
}

// A child met once is its value; met again, a list of its values (an element's own value is
// never a list, so a list there is always this one).
function addChild(parent: Frame, name: string, value: XmlValue): void {
  const earlier = parent.children.get(name);
  if (earlier === undefined) {
    parent.children.set(name, value);
  } else if (Array.isArray(earlier)) {
    earlier.push(value);
  } else {
    parent.children.set(name, [earlier, value]);
  }
}

/** The attributes of the start tag whose name ends at `at`, and where the tag ends. */
function readAttributes(
  xml: string,
  at: number,
): { attributes: Record<string, string> | null; end: number; empty: boolean } | null {
  let attributes: Record<string, string> | null = null;
  let position = at;
  for (;;) {
    const spaced = skipSpace(xml, position);
    if (xml.startsWith('/>', spaced)) {
      return { attributes, end: spaced + 2, empty: true };
    }

    if (xml.charAt(spaced) === '>') {
      return { attributes, end: spaced + 1, empty: false };
    }

    const name = spaced === position ? null : readName(xml, spaced);
    if (name === null) {
      return null;
    }

    const equals = skipSpace(xml, spaced + name.length);
    if (xml.charAt(equals) !== '=') {
      return null;
    }

    const open = skipSpace(xml, equals + 1);
    const quote = xml.charAt(open);
    const close = quote === "'" || quote === '"' ? xml.indexOf(quote, open + 1) : -1;
    const raw = close === -1 ? '<' : xml.slice(open + 1, close);
    // Kept as written, tabs and line feeds too, as xml2js (sax) keeps them.
    const value = raw.includes('<') ? null : decode(raw);
    attributes ??= {};
    if (value === null || Object.hasOwn(attributes, name)) {
      return null;
    }

    attributes[name] = value;
    position = close + 1;
  }
}

/** The document as xml2js reads it (`{ root: value }`), or null when this reader cannot. */
export function readSimpleXml(xml: string): XmlObject | null {
  const stack: Frame[] = [];
  let root: { name: string; value: XmlValue } | null = null;
  let position = 0;
  while (position < xml.length) {
    const open = xml.indexOf('<', position);
    const textEnd = open === -1 ? xml.length : open;
    if (textEnd > position) {
      const raw = xml.slice(position, textEnd);
      const current = stack.at(-1);
      if (current === undefined) {
        if (!WHITESPACE_ONLY.test(raw)) {
          return null;
        }
      } else {
        const text = decode(raw);
        if (text === null) {
          return null;
        }

        current.text += text;
      }
    }

    if (open === -1) {
      break;
    }

    if (xml.charAt(open + 1) === '/') {
      const name = readName(xml, open + 2);
      const end = name === null ? -1 : skipSpace(xml, open + 2 + name.length);
      const frame = stack.pop();
      if (name === null || xml.charAt(end) !== '>' || frame?.name !== name) {
        return null;
      }

      const value = elementValue(frame);
      const parent = stack.at(-1);
      if (parent !== undefined) {
        addChild(parent, name, value);
      } else if (root === null) {
        root = { name, value };
      } else {
        return null;
      }

      position = end + 1;
      continue;
    }

    const name = readName(xml, open + 1);
    const tag = name === null ? null : readAttributes(xml, open + 1 + name.length);
    if (name === null || tag === null || (stack.length === 0 && root !== null)) {
      return null;
    }

    const frame: Frame = { name, attributes: tag.attributes, children: new Map(), text: '' };
    if (tag.empty) {
      const value = elementValue(frame);
      const parent = stack.at(-1);
      if (parent === undefined) {
        root = { name, value };
      } else {
        addChild(parent, name, value);
      }
    } else {
      stack.push(frame);
    }

    position = tag.end;
  }

  return stack.length > 0 || root === null ? null : { [root.name]: root.value };
}
