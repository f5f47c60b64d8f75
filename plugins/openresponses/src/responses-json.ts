/** The JSON readers Responses codec files use: the kernel's shared ones. */
export {
  asArray,
  asNumber,
  asObject,
  asString,
  booleanField,
  isObject,
  numberField,
  parseDataUrl,
  parseJson,
  stringField,
  toDataUrl,
  type Json,
} from '@switchyard/plugin-sdk';
