/** What the encoders need to know about a Gemini model from its name. */
export interface GeminiModelFamily {
  /** Major version (2 for gemini-2.5-flash, 3 for gemini-3-pro-preview); undefined when the name has none. */
  major?: number;
  minor?: number;
  /** `pro`, `flash`, `flash-lite`, … (the word after the version); undefined when unknown. */
  tier?: string;
}

const GEMINI_VERSION = /^gemini-(\d+)(?:\.(\d+))?(?:-([a-z]+(?:-lite)?))?/i;

/** Reads `gemini-2.5-flash-lite`, `gemini-3-pro-preview`, `gemini-3.1-pro-preview`, `gemini-flash-latest` (no version). */
export function geminiModelFamily(model: string): GeminiModelFamily {
  const name = model.replace(/^(?:publishers\/)?google\/(?:models\/)?/, '');
  const m = GEMINI_VERSION.exec(name);
  if (m) {
    const family: GeminiModelFamily = { major: Number(m[1]), minor: m[2] === undefined ? 0 : Number(m[2]) };
    if (m[3]) family.tier = m[3].toLowerCase();
    return family;
  }
  const tier = /^gemini-([a-z]+(?:-lite)?)-/i.exec(name)?.[1];
  return tier ? { tier: tier.toLowerCase() } : {};
}

/** Gemini 3 and later validate thought signatures on function calls (and take `thinkingLevel`). */
export function isGemini3OrLater(family: GeminiModelFamily): boolean {
  return family.major !== undefined && family.major >= 3;
}
