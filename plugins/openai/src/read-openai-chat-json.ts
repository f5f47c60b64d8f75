/** The JSON readers OpenAI chat codec files use: the kernel's shared ones. */
export {
  asArray,
  asNumber,
  asObject,
  asString,
  booleanField,
  isObject,
  numberField,
  parseDataUrl,
  stringField,
  toDataUrl,
  type Json,
} from '@switchyard/plugin-sdk';
