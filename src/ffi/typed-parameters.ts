import { TypedParameterType } from './flags.ts';
import { type Address, readBytes, readString } from './native.ts';

/**
 * Reading a `virTypedParameter` array that libvirt handed over, on the call thread that
 * received it. The caller frees the array afterwards with virTypedParamsFree, which also
 * frees the strings read here.
 *
 * @see https://libvirt.org/html/libvirt-libvirt-common.html#virTypedParameter
 */

/** One typed parameter's value; 64-bit integers become numbers (bytes and milliseconds fit). */
export type TypedValue = number | boolean | string;

// struct _virTypedParameter { char field[80]; int type; union { ... } value; }: the union
// is 8-byte aligned, so it starts at 88 after 4 bytes of padding, and the struct is 96 bytes
// (checked with offsetof against libvirt-common.h of libvirt 9.0 on x86_64).
const FIELD_LENGTH = 80;
const TYPE_OFFSET = 80;
const VALUE_OFFSET = 88;
const PARAMETER_SIZE = 96;

function fieldName(parameter: Buffer): string {
  const end = parameter.indexOf(0);

  return parameter.toString('utf8', 0, end === -1 || end > FIELD_LENGTH ? FIELD_LENGTH : end);
}

function value(parameter: Buffer): TypedValue {
  const type = parameter.readInt32LE(TYPE_OFFSET);
  switch (type) {
    case TypedParameterType.INT:
      return parameter.readInt32LE(VALUE_OFFSET);
    case TypedParameterType.UINT:
      return parameter.readUInt32LE(VALUE_OFFSET);
    case TypedParameterType.LLONG:
      return Number(parameter.readBigInt64LE(VALUE_OFFSET));
    case TypedParameterType.ULLONG:
      return Number(parameter.readBigUInt64LE(VALUE_OFFSET));
    case TypedParameterType.DOUBLE:
      return parameter.readDoubleLE(VALUE_OFFSET);
    case TypedParameterType.BOOLEAN:
      return parameter.readInt8(VALUE_OFFSET) !== 0;
    case TypedParameterType.STRING:
      return readString(parameter.readBigUInt64LE(VALUE_OFFSET));
    default:
      throw new RangeError(`libvirt reported a typed parameter of unknown type ${type}`);
  }
}

/** Copies the `count` typed parameters at `address` into a record by field name. */
export function readTypedParameters(address: Address, count: number): Record<string, TypedValue> {
  if (count === 0) {
    return {};
  }

  const array = readBytes(address, count * PARAMETER_SIZE);
  const entries = Array.from({ length: count }, (_, index) => {
    const parameter = array.subarray(index * PARAMETER_SIZE, (index + 1) * PARAMETER_SIZE);

    return [fieldName(parameter), value(parameter)] as const;
  });

  return Object.fromEntries(entries);
}
