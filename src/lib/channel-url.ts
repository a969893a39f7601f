/**
 * Channel settings are URLs, but `46elks://…` (the provider's name) is not one a WHATWG parser takes:
 * a scheme must begin with a letter. It is read as `elks46://…`; everything else as it is.
 */
export function parseChannelUrl(spec: string): URL {
  return new URL(spec.replace(/^46elks:/i, 'elks46:'));
}

export const canParseChannelUrl = (spec: string): boolean => URL.canParse(spec.replace(/^46elks:/i, 'elks46:'));

/** The scheme as the setting names it (`46elks`, `smpp` …). */
export const channelScheme = (spec: string): string => spec.split(':')[0]?.toLowerCase() ?? '';
